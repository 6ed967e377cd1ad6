import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AlertRules } from '../../../../../electron/core/audit/alert-rules.ts';
import { AlertStore } from '../../../../../electron/core/audit/alert-store.ts';
import { expiringSoon } from '../../../../../electron/core/audit/expiry-watch.ts';
import type { CredentialRecord } from '../../../../../electron/core/credentials/credential-record.ts';
import { event, request } from '../../../../fixtures/audit-helpers.ts';

const rules = () => new AlertRules({ knownClients: new Map() });

describe('alert rules', () => {
  it('upstream-401-storm needs 5 upstream 401s for one credential within 60 s; proxy refusals do not count', () => {
    const r = rules();
    const t0 = 1_000_000;
    expect(r.observe(request({ status: 401, code: 'ERR_GATEWAY_KEY' }), t0).filter((a) => a.kind === 'upstream-401-storm')).toHaveLength(0);
    for (let i = 0; i < 4; i++) expect(r.observe(request({ status: 401 }), t0 + i * 1000).filter((a) => a.kind === 'upstream-401-storm')).toHaveLength(0);
    // 61.5 s after the first, the first two have left the 60 s window: 3, then 4, then 5 inside it.
    expect(r.observe(request({ status: 401 }), t0 + 61_500).filter((a) => a.kind === 'upstream-401-storm')).toHaveLength(0);
    expect(r.observe(request({ status: 401 }), t0 + 61_600).filter((a) => a.kind === 'upstream-401-storm')).toHaveLength(0);
    expect(r.observe(request({ status: 401 }), t0 + 61_700).map((a) => a.kind)).toContain('upstream-401-storm');
    expect(r.observe(request({ status: 401, credential: 'other' }), t0 + 61_700).filter((a) => a.kind === 'upstream-401-storm')).toHaveLength(0);
  });

  it('key-misuse for revoked, expired, used-up, out-of-scope and wrong keys, never for a missing key', () => {
    const r = rules();
    for (const code of ['ERR_KEY_REVOKED', 'ERR_KEY_EXPIRED', 'ERR_KEY_USED_UP', 'ERR_KEY_SCOPE', 'ERR_GATEWAY_KEY', 'ERR_PROXY_AUTH']) {
      expect(r.observe(request({ status: 401, code }), 0).map((a) => a.kind)).toEqual(['key-misuse']);
    }
    expect(r.observe(request({ status: 401, code: 'ERR_GATEWAY_KEY', detail: 'no key was presented' }), 0)).toEqual([]);
  });

  it('unbound-host, rate-limited, refresh-failed and expiring-soon', () => {
    const r = rules();
    expect(r.observe(request({ status: 403, code: 'ERR_HOST_NOT_BOUND', origin: 'http://evil.test' }), 0).map((a) => a.kind)).toEqual(['unbound-host']);
    expect(r.observe(request({ status: 403, code: 'ERR_FORBIDDEN', mode: 'connect', detail: 'unbound host' }), 0).map((a) => a.kind)).toEqual(['unbound-host']);
    expect(r.observe(request({ status: 403, code: 'ERR_FORBIDDEN' }), 0)).toEqual([]);
    expect(r.observe(request({ status: 429 }), 0).map((a) => a.kind)).toEqual(['rate-limited']);
    expect(r.observe(request({ status: 429, code: 'ERR_RATE_LIMITED' }), 0).map((a) => a.kind)).toEqual(['rate-limited']);
    expect(r.observe(event('refresh', { outcome: 'failed', detail: 'invalid_grant' }), 0)[0]).toMatchObject({ kind: 'refresh-failed', level: 'error' });
    expect(r.observe(event('refresh'), 0)).toEqual([]);
    expect(r.observe(event('expiring', { detail: 'expires at X' }), 0)[0]!.kind).toBe('expiring-soon');
  });

  it('new-client once per client and credential; unknown processes are not clients', () => {
    const r = rules();
    const client = { pid: 42, exe: '/usr/bin/curl', name: null };
    expect(r.observe(request({ client }), 0).map((a) => a.kind)).toEqual(['new-client']);
    expect(r.observe(request({ client: { ...client, pid: 43 } }), 0)).toEqual([]);
    expect(r.observe(request({ client, credential: 'other' }), 0).map((a) => a.kind)).toEqual(['new-client']);
    expect(r.observe(request({ client: null }), 0)).toEqual([]);
  });

  it('new-client: two pids of one executable are one alert, a different executable another; the text names the program, not the pid', () => {
    const r = rules();
    const curl = (pid: number) => ({ client: { pid, exe: '/usr/bin/curl', name: null } });
    const [first] = r.observe(request(curl(4242)), 0);
    expect(first).toMatchObject({ kind: 'new-client', credential: 'github', dedupKey: 'new-client|github|/usr/bin/curl' });
    expect(first!.message).toBe('curl used "github" for the first time (/usr/bin/curl). Acknowledge this alert to mark it as known.');
    expect(first!.message).not.toMatch(/4242|pid/);
    expect(r.observe(request(curl(4243)), 1)).toEqual([]);
    expect(r.observe(request(curl(4244)), 2)).toEqual([]);
    const python = r.observe(request({ client: { pid: 4245, exe: '/usr/bin/python3.12', name: null } }), 3);
    expect(python.map((a) => [a.kind, a.dedupKey])).toEqual([['new-client', 'new-client|github|/usr/bin/python3.12']]);
    expect(python[0]!.message).toMatch(/^python3\.12 used "github"/);
    // A client name sent in a header refines the program; it never replaces the executable path.
    const agent = r.observe(request({ client: { pid: 4246, exe: '/usr/bin/curl', name: 'mcp/claude' } }), 4);
    expect(agent[0]).toMatchObject({ dedupKey: 'new-client|github|/usr/bin/curl mcp/claude' });
    expect(agent[0]!.message).toMatch(/^mcp\/claude \(via curl\) used "github"/);
  });

  it('new-client: acknowledging the alert marks the program known for that credential only, and the store keeps it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tw-alert-known-'));
    try {
      const store = new AlertStore(dir);
      const r = new AlertRules({ knownClients: store.knownClients });
      const client = { pid: 7, exe: '/usr/bin/node', name: null };
      const [candidate] = r.observe(request({ client }), 0);
      const { item } = store.raise(candidate!);
      expect(store.knownClients.get('github')?.has('/usr/bin/node')).not.toBe(true);
      expect(store.acknowledge({ id: item.id })).toHaveLength(1);
      expect(store.knownClients.get('github')?.has('/usr/bin/node')).toBe(true);
      expect(store.list(true)[0]).not.toHaveProperty('known');
      await store.close();

      const reopened = new AlertStore(dir);
      const after = new AlertRules({ knownClients: reopened.knownClients });
      expect(after.observe(request({ client: { ...client, pid: 8 } }), 1)).toEqual([]);
      expect(after.observe(request({ client, credential: 'other' }), 1).map((a) => a.kind)).toEqual(['new-client']);
      await reopened.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('alert store', () => {
  it('folds repeats into the open alert, and a repeat after acknowledge opens a new one', () => {
    const store = new AlertStore(undefined);
    const candidate = { kind: 'rate-limited' as const, level: 'warning' as const, credential: 'a', message: 'm', dedupKey: 'k' };
    const first = store.raise(candidate);
    expect(first.isNew).toBe(true);
    expect(store.raise(candidate)).toMatchObject({ isNew: false, item: { id: first.item.id, count: 2 } });
    expect(store.openCount()).toBe(1);
    expect(store.acknowledge({ id: first.item.id })).toHaveLength(1);
    expect(store.acknowledge({ id: first.item.id })).toHaveLength(0);
    const second = store.raise(candidate);
    expect(second.isNew).toBe(true);
    expect(second.item.id).not.toBe(first.item.id);
    expect(store.list(true)).toHaveLength(2);
    expect(store.acknowledge({ all: true })).toHaveLength(1);
    expect(store.openCount()).toBe(0);
  });
});

describe('expiring-soon input', () => {
  const base = { id: 'x'.repeat(16), hosts: ['https://a.test'], authPolicy: 'reject', allowInsecureLoopback: false, state: 'active', revision: 1, createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' } as const;
  const now = Date.parse('2026-01-01T12:00:00.000Z');
  const tokens = (minutes: number, refreshToken?: string) => ({ accessToken: 'a', tokenType: 'Bearer', receivedAt: '2026-01-01T11:00:00.000Z', scopes: [], expiresAt: new Date(now + minutes * 60_000).toISOString(), ...(refreshToken ? { refreshToken } : {}) });
  it('lists tokens that cannot refresh themselves and expire within 10 minutes', () => {
    const records = [
      { ...base, name: 'static-soon', kind: 'static', tokens: tokens(5) },
      { ...base, name: 'static-later', kind: 'static', tokens: tokens(30) },
      { ...base, name: 'oauth-no-rt', kind: 'oauth', tokens: tokens(5), oauth: { issuer: 'https://i.test', clientId: 'c', grant: 'auth-code' } },
      { ...base, name: 'oauth-rt', kind: 'oauth', tokens: tokens(5, 'rt'), oauth: { issuer: 'https://i.test', clientId: 'c', grant: 'auth-code' } },
      { ...base, name: 'cc', kind: 'oauth', tokens: tokens(5), oauth: { issuer: 'https://i.test', clientId: 'c', grant: 'client-credentials' } },
      { ...base, name: 'expired', kind: 'static', tokens: tokens(-1) },
    ] as unknown as CredentialRecord[];
    expect(expiringSoon(records, now).map((e) => e.name)).toEqual(['static-soon', 'oauth-no-rt']);
  });
});
