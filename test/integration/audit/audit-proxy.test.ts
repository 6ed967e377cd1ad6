import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlertKind, AuditEntry } from '../../../shared/audit-model.ts';
import type { AppEvent } from '../../../shared/model.ts';
import { fileAuditStorage, type AuditStorage } from '../../../electron/core/audit/audit-files.ts';
import { createService } from '../../../electron/core/create-service.ts';
import type { OwnerApi } from '../../../electron/core/owner-api.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { basic, send } from '../../fixtures/proxy-client.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const TOKEN = 'tw-canary-audit-static-0123456789abcdef';
const SHORT_TOKEN = 'tw-canary-audit-short-fedcba9876543210';
const ROTATED_TOKEN = 'tw-canary-audit-rotated-5555aaaa5555aaaa';
const QUERY_SECRET = 'tw-canary-audit-query-value-77aa';
const idp = useIdp();
let home: string;
let service: OwnerApi;
let upstream: TestUpstream;
let other: TestUpstream;
let port: number;
let key: string;
let refreshToken: string;
let accessKey = 'unset';
const events: AppEvent[] = [];

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tw-audit-int-'));
  upstream = await startUpstream();
  other = await startUpstream();
  service = await createService({ home, env: { TOKENWARDEN_PASSPHRASE: 'audit test passphrase' }, keyring: false, proxy: { port: 0 }, audit: { flushMs: 5 } });
  service.onEvent((e) => events.push(e));
  await service.add({ kind: 'static', name: 'local', hosts: [upstream.origin], token: TOKEN, allowInsecureLoopback: true });
  refreshToken = await idp.mintRefreshToken(CONFIDENTIAL_CLIENT, 'openid offline_access api:read');
  await service.add({ kind: 'oauth', name: 'rt', hosts: [upstream.origin], allowInsecureLoopback: true, issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'refresh-token', refreshToken });
  port = (await service.proxyInfo()).port!;
  key = await service.proxyKey();
}, 60_000);

afterAll(async () => {
  await service?.close();
  await upstream?.close();
  await other?.close();
  if (home) await rm(home, { recursive: true, force: true });
});

const gateway = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
  send(port, { method, path, headers: { 'x-tokenwarden-key': key, ...headers }, ...(body !== undefined ? { body } : {}) });

async function entries(query: Parameters<OwnerApi['auditQuery']>[0] = {}): Promise<AuditEntry[]> {
  return (await service.auditQuery({ limit: 0, ...query })).entries;
}

async function alertOf(kind: AlertKind, credential: string | null) {
  await expect.poll(async () => (await service.alerts({ all: true })).some((a) => a.kind === kind && a.credential === credential), { timeout: 10_000 }).toBe(true);
  return (await service.alerts({ all: true })).find((a) => a.kind === kind && a.credential === credential)!;
}

describe('audit entries from real traffic', () => {
  it('L1 a proxied request is one entry with every field, and the query keeps only its names', async () => {
    const res = await gateway(`/local/items?api_key=${QUERY_SECRET}&page=2`, { 'content-type': 'application/json' }, 'POST', '{"a":1}');
    expect(res.status).toBe(200);
    await expect.poll(async () => (await entries({ kind: 'request', name: 'local' })).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const entry = (await entries({ kind: 'request', name: 'local' })).at(-1)!;
    expect(entry).toMatchObject({
      kind: 'request',
      credential: 'local',
      key: 'master',
      mode: 'gateway',
      method: 'POST',
      origin: upstream.origin,
      path: '/items?api_key&page',
      status: 200,
      bytesIn: 7,
      bytesOut: 'upstream ok'.length,
      code: null,
    });
    expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    expect(Date.parse(entry.ts)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('forward mode is audited with its mode and path', async () => {
    const res = await send(port, { path: `${upstream.origin}/fwd`, headers: { host: upstream.origin.slice(7), 'proxy-authorization': basic('local', key) } });
    expect(res.status).toBe(200);
    await expect.poll(async () => (await entries({ name: 'local' })).some((e) => e.mode === 'forward' && e.path === '/fwd'), { timeout: 10_000 }).toBe(true);
  });

  it('service operations are events: add, update, rotate, refresh ok, lock and unlock', async () => {
    await service.update('local', { authPolicy: 'passthrough' });
    await service.update('local', { authPolicy: 'reject' });
    await service.add({ kind: 'static', name: 'tmp', hosts: [other.origin], token: ROTATED_TOKEN.replace('rotated', 'tmp'), allowInsecureLoopback: true });
    await service.rotate('tmp', { token: ROTATED_TOKEN });
    await service.revoke('tmp');
    await service.remove('tmp');
    await service.refresh('rt');
    await service.lock();
    await service.unlock();
    await expect.poll(async () => (await entries({ kind: 'event' })).map((e) => `${e.action}:${e.credential ?? ''}:${e.outcome}`), { timeout: 10_000 }).toEqual(
      expect.arrayContaining(['unlock::ok', 'add:local:ok', 'add:rt:ok', 'update:local:ok', 'add:tmp:ok', 'rotate:tmp:ok', 'revoke:tmp:ok', 'remove:tmp:ok', 'refresh:rt:ok', 'lock::ok']),
    );
    const update = (await entries({ kind: 'event' })).find((e) => e.action === 'update')!;
    expect(update.detail).toBe('changed authPolicy');
  });

  it('a failed operation is recorded with its code', async () => {
    await expect(service.rotate('local', {})).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect.poll(async () => (await entries({ kind: 'event' })).some((e) => e.action === 'rotate' && e.credential === 'local' && e.outcome === 'failed' && e.code === 'ERR_INVALID_INPUT'), { timeout: 10_000 }).toBe(true);
  });
});

describe('every alert kind from a real scenario', () => {
  it('unbound-host: a forward request for an origin the credential is not bound to; 0 upstream calls', async () => {
    const before = other.calls.length;
    const res = await send(port, { path: `${other.origin}/steal`, headers: { host: other.origin.slice(7), 'proxy-authorization': basic('local', key) } });
    expect(res.status).toBe(403);
    expect(other.calls.length).toBe(before);
    const alert = await alertOf('unbound-host', 'local');
    expect(alert.message).toContain(other.origin);
    const refusal = (await entries({ status: '403' })).at(-1)!;
    expect(refusal).toMatchObject({ credential: 'local', mode: 'forward', origin: other.origin, code: 'ERR_HOST_NOT_BOUND' });
  });

  it('key-misuse: wrong keys raise one de-duplicated alert; a missing key does not', async () => {
    for (let i = 0; i < 3; i++) expect((await send(port, { path: '/local/x', headers: { 'x-tokenwarden-key': `wrong-${i}` } })).status).toBe(401);
    const alert = await alertOf('key-misuse', 'local');
    await expect.poll(async () => (await service.alerts()).find((a) => a.id === alert.id)?.count, { timeout: 10_000 }).toBe(3);
    expect((await service.alerts({ all: true })).filter((a) => a.kind === 'key-misuse')).toHaveLength(1);
    expect((await send(port, { path: '/rt/x' })).status).toBe(401);
    await expect.poll(async () => (await entries({ name: 'rt', status: '401' })).length, { timeout: 10_000 }).toBe(1);
    expect((await service.alerts({ all: true })).some((a) => a.kind === 'key-misuse' && a.credential === 'rt')).toBe(false);
  });

  it('A5 access keys: requests carry the key id, never the key; create, revoke and policy changes are events; a revoked key is key-misuse', async () => {
    const created = await service.createAccessKey({ for: ['local'], label: 'ci' });
    accessKey = created.key;
    expect((await gateway('/local/with-key', { 'x-tokenwarden-key': created.key })).status).toBe(200);
    await expect.poll(async () => (await entries({ name: 'local' })).find((e) => e.path === '/with-key')?.key, { timeout: 10_000 }).toBe(created.id);
    await service.setPolicy('local', { methods: ['GET', 'POST'] });
    await service.revokeAccessKey(created.id);
    expect((await gateway('/local/after-revoke', { 'x-tokenwarden-key': created.key })).status).toBe(401);
    const alert = await alertOf('key-misuse', 'local');
    await expect.poll(async () => (await service.alerts()).find((a) => a.id === alert.id)?.message ?? '', { timeout: 10_000 }).toMatch(/revoked|wrong proxy key/);
    await expect.poll(async () => (await entries({ kind: 'event' })).map((e) => `${e.action}:${e.key ?? e.credential}`), { timeout: 10_000 }).toEqual(
      expect.arrayContaining([`key-create:${created.id}`, `key-revoke:${created.id}`, 'policy:local']),
    );
    await expect.poll(async () => (await entries({ name: 'local' })).find((e) => e.path === '/after-revoke')?.code, { timeout: 10_000 }).toBe('ERR_KEY_REVOKED');
    await service.setPolicy('local', null);
  });

  it('rate-limited: the upstream answers 429', async () => {
    upstream.handler = (_req, res) => {
      res.writeHead(429, { 'retry-after': '1' });
      res.end('slow down');
    };
    try {
      expect((await gateway('/local/limited')).status).toBe(429);
    } finally {
      upstream.handler = (_req, res) => res.end('upstream ok');
    }
    await alertOf('rate-limited', 'local');
  });

  it('upstream-401-storm: 4 upstream 401s are not a storm, the 5th within 60 s is', async () => {
    upstream.handler = (_req, res) => {
      res.writeHead(401);
      res.end('no');
    };
    try {
      for (let i = 0; i < 4; i++) expect((await gateway('/local/denied')).status).toBe(401);
      await expect.poll(async () => (await entries({ name: 'local', status: '401' })).filter((e) => e.code === null).length, { timeout: 10_000 }).toBe(4);
      expect((await service.alerts({ all: true })).some((a) => a.kind === 'upstream-401-storm')).toBe(false);
      expect((await gateway('/local/denied')).status).toBe(401);
    } finally {
      upstream.handler = (_req, res) => res.end('upstream ok');
    }
    const alert = await alertOf('upstream-401-storm', 'local');
    expect(alert.level).toBe('error');
  });

  it('refresh-failed: the IdP is down during a refresh; the event carries the reason', async () => {
    await idp.stop();
    try {
      await expect(service.refresh('rt')).rejects.toMatchObject({ code: 'ERR_IDP' });
    } finally {
      await idp.start();
    }
    await alertOf('refresh-failed', 'rt');
    const failed = (await entries({ kind: 'event', name: 'rt' })).find((e) => e.action === 'refresh' && e.outcome === 'failed')!;
    expect(failed.code).toBe('ERR_IDP');
    expect(failed.detail).toMatch(/refresh/i);
  });

  it('expiring-soon: a static token that expires in 5 minutes, which cannot refresh itself', async () => {
    await service.add({ kind: 'static', name: 'short', hosts: [other.origin], token: SHORT_TOKEN, expiresIn: 300, allowInsecureLoopback: true });
    const alert = await alertOf('expiring-soon', 'short');
    expect(alert.message).toContain('cannot refresh itself');
    expect((await service.list()).find((s) => s.name === 'short')!.status).toBe('expiring');
  });

  it('new-client: the first request from an MCP client; the header is stripped upstream and a repeat is not new', async () => {
    expect((await gateway('/local/from-mcp', { 'x-tokenwarden-client': 'mcp/test-agent' })).status).toBe(200);
    expect(upstream.calls.at(-1)!.headers['x-tokenwarden-client']).toBeUndefined();
    // This test process may already be a known client of "local" (found through /proc for the earlier requests):
    // the MCP client is a client of its own, named by the header.
    const fromAgent = (a: { kind: AlertKind; credential: string | null; message: string }) => a.kind === 'new-client' && a.credential === 'local' && a.message.includes('mcp/test-agent');
    await expect.poll(async () => (await service.alerts({ all: true })).some(fromAgent), { timeout: 10_000 }).toBe(true);
    expect((await gateway('/local/again', { 'x-tokenwarden-client': 'mcp/test-agent' })).status).toBe(200);
    await expect.poll(async () => (await entries({ name: 'local' })).some((e) => e.path === '/again' && e.client?.name === 'mcp/test-agent'), { timeout: 10_000 }).toBe(true);
    expect((await service.alerts({ all: true })).filter(fromAgent)).toHaveLength(1);
  });

  it('alerts are audit entries and pushed events with their id; acknowledging closes them and is itself audited', async () => {
    const open = await service.alerts();
    expect(open.length).toBeGreaterThanOrEqual(7);
    const pushed = events.filter((e): e is Extract<AppEvent, { type: 'alert' }> => e.type === 'alert' && e.id !== undefined);
    expect(pushed.map((e) => e.id)).toEqual(expect.arrayContaining(open.map((a) => a.id)));
    const logged = await entries({ kind: 'alert' });
    expect(logged.map((e) => e.alert!.id)).toEqual(expect.arrayContaining(open.map((a) => a.id)));
    expect((await service.status()).openAlerts).toBe(open.length);
    const target = open.find((a) => a.kind === 'rate-limited')!;
    expect(await service.ackAlert({ id: target.id })).toEqual({ acknowledged: 1 });
    expect((await service.alerts()).map((a) => a.id)).not.toContain(target.id);
    expect((await service.alerts({ all: true })).find((a) => a.id === target.id)!.acknowledgedAt).not.toBeNull();
    await expect(service.ackAlert({ id: 'al_unknown' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect.poll(async () => (await entries({ kind: 'event' })).some((e) => e.action === 'alert-ack' && e.detail === `rate-limited ${target.id}`), { timeout: 10_000 }).toBe(true);
    expect((await service.ackAlert({ all: true })).acknowledged).toBe(open.length - 1);
    expect((await service.status()).openAlerts).toBe(0);
  });

  it('stats count the requests per credential with status classes and percentiles', async () => {
    const report = await service.stats({ since: '1h' });
    const local = report.credentials.find((c) => c.name === 'local')!;
    expect(local.requests).toBeGreaterThanOrEqual(10);
    expect(local.classes['2xx']).toBeGreaterThanOrEqual(3);
    expect(local.classes['4xx']).toBeGreaterThanOrEqual(6);
    expect(local.p50Ms).not.toBeNull();
    expect(local.p99Ms!).toBeGreaterThanOrEqual(local.p50Ms!);
    expect(report.series.local!.reduce((a, b) => a + b, 0)).toBe(local.requests);
    expect(report.topPaths.length).toBeGreaterThan(0);
  });

  it('L2 the whole run verifies intact', async () => {
    const result = await service.auditVerify();
    expect(result.intact).toBe(true);
    expect(result.entries).toBeGreaterThan(20);
  });

  it('L1 canary: no token, refresh token, client secret, proxy key or query value in any file under the data dir', async () => {
    await service.auditQuery({ limit: 1 });
    const canaries = [TOKEN, SHORT_TOKEN, ROTATED_TOKEN, QUERY_SECRET, refreshToken, CONFIDENTIAL_SECRET, key, accessKey];
    const hits: string[] = [];
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else {
          const text = readFileSync(path, 'latin1');
          for (const canary of canaries) if (text.includes(canary) || text.includes(canary.slice(0, -4))) hits.push(`${path}: ${canary.slice(0, 12)}…`);
        }
      }
    };
    walk(home);
    expect(readdirSync(join(home, 'audit')).length).toBeGreaterThanOrEqual(2);
    expect(hits).toEqual([]);
  });
});

describe('R2 vault recovery is audited', () => {
  it('R2 a damaged vault.json quarantined at open becomes a vault-quarantine event once unlocked', async () => {
    const h = await mkdtemp(join(tmpdir(), 'tw-audit-r2-'));
    const env = { TOKENWARDEN_PASSPHRASE: 'r2 audit' };
    try {
      const first = await createService({ home: h, env, keyring: false, proxy: false });
      await first.add({ kind: 'static', name: 'a', hosts: ['https://a.example'], token: TOKEN });
      await first.add({ kind: 'static', name: 'b', hosts: ['https://b.example'], token: SHORT_TOKEN });
      await first.close();
      writeFileSync(join(h, 'vault.json'), '');
      const second = await createService({ home: h, env, keyring: false, proxy: false, audit: { flushMs: 1 } });
      try {
        await expect.poll(async () => (await second.auditQuery({ kind: 'event' })).entries.map((e) => e.action), { timeout: 10_000 }).toContain('vault-quarantine');
        const event = (await second.auditQuery({ kind: 'event' })).entries.find((e) => e.action === 'vault-quarantine')!;
        expect(event.detail).toMatch(/corrupt/);
        expect((await second.auditVerify()).intact).toBe(true);
      } finally {
        await second.close();
      }
    } finally {
      await rm(h, { recursive: true, force: true });
    }
  });
});

describe('L3 a full disk', () => {
  it('L3 requests still succeed when every audit write fails, and audit-write-failed is raised', async () => {
    const failHome = await mkdtemp(join(tmpdir(), 'tw-audit-full-'));
    const real = fileAuditStorage(join(failHome, 'audit'));
    const full: AuditStorage = {
      ...real,
      open: async () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
      },
    };
    const up = await startUpstream();
    const svc = await createService({ home: failHome, env: { TOKENWARDEN_PASSPHRASE: 'full disk' }, keyring: false, proxy: { port: 0 }, audit: { flushMs: 1, storage: full } });
    try {
      await svc.add({ kind: 'static', name: 'busy', hosts: [up.origin], token: TOKEN, allowInsecureLoopback: true });
      const p = (await svc.proxyInfo()).port!;
      const k = await svc.proxyKey();
      for (let i = 0; i < 5; i++) expect((await send(p, { path: `/busy/${i}`, headers: { 'x-tokenwarden-key': k } })).status).toBe(200);
      expect(up.calls.length).toBe(5);
      await expect.poll(async () => (await svc.alerts()).some((a) => a.kind === 'audit-write-failed'), { timeout: 10_000 }).toBe(true);
      const alert = (await svc.alerts()).find((a) => a.kind === 'audit-write-failed')!;
      expect(alert.message).toMatch(/ENOSPC.*requests are still served/);
      expect((await svc.alerts()).filter((a) => a.kind === 'audit-write-failed')).toHaveLength(1);
    } finally {
      await svc.close();
      await up.close();
      await rm(failHome, { recursive: true, force: true });
    }
  });
});
