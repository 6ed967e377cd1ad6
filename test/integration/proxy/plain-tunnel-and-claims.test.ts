/** Plain-http CONNECT tunnels keep the caller and the transport rule; claimed names never land on disk; key rates survive a lock. */
import { readdir, readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';

let h: AccessHarness;
beforeEach(async () => {
  h = await startAccessHarness();
});
afterEach(async () => {
  await h.close();
});

/** CONNECT to the plain upstream, then send `requests` one by one (each after the previous answer); returns every status line. */
async function plainTunnel(auth: string, requests: Array<(authority: string) => string>, between?: (index: number) => Promise<void>): Promise<string[]> {
  const authority = new URL(h.plain.origin).host;
  return new Promise((resolve, reject) => {
    const socket = connect(h.port, '127.0.0.1');
    let buffer = '';
    let next = 0;
    const statuses = (): string[] => buffer.split('\r\n').filter((line) => line.startsWith('HTTP/1.1 '));
    const send = async (): Promise<void> => {
      if (next >= requests.length) return void socket.end();
      await between?.(next);
      socket.write(requests[next++]!(authority));
    };
    socket.on('data', (chunk) => {
      const before = statuses().length;
      buffer += chunk.toString();
      if (statuses().length > before) {
        if (!statuses()[0]!.startsWith('HTTP/1.1 200')) return void socket.end();
        send().catch(reject);
      }
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(statuses()));
    socket.write(`CONNECT ${authority} HTTP/1.1\r\nHost: ${authority}\r\nProxy-Authorization: ${auth}\r\n\r\n`);
  });
}

const basicAuth = (name: string, key: string): string => 'Basic ' + Buffer.from(`${name}:${key}`).toString('base64');
const get = (path: string) => (authority: string) => `GET ${path} HTTP/1.1\r\nHost: ${authority}\r\nContent-Length: 0\r\n\r\n`;

describe('plain-http CONNECT tunnel', () => {
  it('A3/A6 an access key for another credential gets no plain tunnel and no owner rights', async () => {
    await h.service.add({ kind: 'static', name: 'victim', hosts: [h.plain.origin], token: 'tw-canary-VICTIM-0123456789abcdef', allowInsecureLoopback: true });
    await h.service.add({ kind: 'static', name: 'mine', hosts: ['https://example.com'], token: 'tw-canary-MINE-0123456789abcdef' });
    const created = await h.service.createAccessKey({ for: ['mine'], methods: ['GET'] });
    const lines = await plainTunnel(basicAuth('victim', created.key), [get('/one')]);
    expect(lines[0]).toMatch(/^HTTP\/1\.1 403/);
    expect(h.plain.calls).toHaveLength(0);
  });

  it('A3/A6 a key allowed at CONNECT time is still checked per request inside the plain tunnel (method, revoke)', async () => {
    await h.service.add({ kind: 'static', name: 'c', hosts: [h.plain.origin], token: 'tw-canary-C-0123456789abcdef', allowInsecureLoopback: true });
    const created = await h.service.createAccessKey({ for: ['c'], methods: ['GET'] });
    const auth = basicAuth('c', created.key);
    const denied = await plainTunnel(auth, [get('/ok'), (a) => `DELETE /no HTTP/1.1\r\nHost: ${a}\r\nContent-Length: 0\r\n\r\n`]);
    expect(denied.map((l) => l.slice(9, 12))).toEqual(['200', '200', '403']);
    const revoked = await plainTunnel(auth, [get('/ok2'), get('/after-revoke')], async (index) => {
      if (index === 1) await h.service.revokeAccessKey(created.id);
    });
    // A revoked key is no longer a key at all: the tunnel answers 401 like any unknown key.
    expect(revoked.map((l) => l.slice(9, 12))).toEqual(['200', '200', '401']);
    expect(h.plain.calls.map((c) => c.url)).toEqual(['/ok', '/ok2']);
  });
});

describe('plain-http transport', () => {
  it('P5 update refuses a remote http origin and dropping loopback consent, like add', async () => {
    await h.service.add({ kind: 'static', name: 'c', hosts: [h.plain.origin], token: 'tw-canary-C-0123456789abcdef', allowInsecureLoopback: true });
    await expect(h.service.update('c', { hosts: [h.plain.origin, 'http://api.example.com'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(h.service.update('c', { allowInsecureLoopback: false })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect((await h.service.get('c')).hosts).toEqual([h.plain.origin]);
    await h.service.update('c', { hosts: [h.plain.origin, 'https://api.example.com'] });
  });

  it('P5 a plain CONNECT tunnel and its per-request re-check refuse http without loopback consent', async () => {
    await h.service.add({ kind: 'static', name: 'c', hosts: [h.plain.origin], token: 'tw-canary-C-0123456789abcdef', allowInsecureLoopback: true });
    const auth = basicAuth('c', h.masterKey);
    // Consent withdrawn behind the service's back (an old vault): the tunnel must not carry the token.
    const lines = await plainTunnel(auth, [get('/a'), get('/b')], async (index) => {
      if (index === 1) await h.vault.update('c', (r) => ({ ...r, allowInsecureLoopback: false }));
    });
    expect(lines.map((l) => l.slice(9, 12))).toEqual(['200', '200', '403']);
    expect(h.plain.calls.map((c) => c.url)).toEqual(['/a']);
    const refused = await plainTunnel(auth, [get('/c')]);
    expect(refused[0]).toMatch(/^HTTP\/1\.1 403/);
    expect(h.plain.calls).toHaveLength(1);
  });
});

describe('claimed names in the audit log', () => {
  it('L1/S7 a key sent where the credential name goes is never written to the data directory', async () => {
    await h.addCredential('c');
    const created = await h.service.createAccessKey({ for: ['c'], methods: ['GET'] });
    const host = new URL(h.plain.origin).host;
    const forwardAs = (user: string): Promise<number | undefined> =>
      new Promise((resolve, reject) => {
        const req = request({ port: h.port, host: '127.0.0.1', path: `${h.plain.origin}/x`, headers: { host, 'proxy-authorization': 'Basic ' + Buffer.from(`${user}:`).toString('base64') }, agent: false }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
        });
        req.on('error', reject);
        req.end();
      });
    expect(await forwardAs(h.masterKey)).toBe(407);
    expect(await forwardAs(created.key)).toBe(407);
    // The gateway name segment and a CONNECT user part carry the key the same way.
    const gateway = await h.call('gateway', { name: created.key, key: created.key });
    expect(gateway.status).toBeGreaterThanOrEqual(400);
    const tunnel = await plainTunnel(basicAuth(h.masterKey, 'wrong'), [get('/a')]);
    expect(tunnel[0]).toMatch(/^HTTP\/1\.1 407/);
    // The audit log is written asynchronously: wait (bounded) until all four refusals are in it, so the grep can fail.
    await expect.poll(() => countRequests(h.home), { timeout: 15_000, interval: 100 }).toBeGreaterThanOrEqual(4);
    await h.service.close();
    const hits = await grepTree(h.home, [h.masterKey, created.key, 'twk_']);
    expect(hits).toEqual([]);
    expect(h.upstreamCalls()).toBe(0);
  });
});

async function grepTree(dir: string, needles: string[]): Promise<string[]> {
  const hits: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    const text = (await readFile(path)).toString('latin1');
    for (const needle of needles) if (text.includes(needle)) hits.push(`${path}: ${needle.slice(0, 8)}`);
  }
  return hits;
}

async function countRequests(home: string): Promise<number> {
  let count = 0;
  for (const name of await readdir(join(home, 'audit')).catch(() => [])) {
    if (name.endsWith('.jsonl')) count += (await readFile(join(home, 'audit', name), 'utf8')).split('"kind":"request"').length - 1;
  }
  return count;
}

describe('key rate limits', () => {
  it('A1 a lock and unlock does not reset an access key rate limit', async () => {
    await h.addCredential('c');
    const key = await h.service.createAccessKey({ for: ['c'], rate: '1/h' });
    expect((await h.call('gateway', { name: 'c', key: key.key })).status).toBe(200);
    expect((await h.call('gateway', { name: 'c', key: key.key })).status).toBe(429);
    await h.service.lock();
    await h.service.unlock('access harness passphrase');
    expect((await h.call('gateway', { name: 'c', key: key.key })).code).toBe('ERR_RATE_LIMITED');
  });
});
