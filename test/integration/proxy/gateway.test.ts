import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authorizationsOf } from '../../fixtures/proxy-upstream.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { freePort } from '../../fixtures/proxy-load.ts';
import { expectP7Outcome, expectRefused, P7_CASES } from '../../fixtures/proxy-expect.ts';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';
import type { FakeCredential } from '../../fixtures/proxy-backend.ts';

let h: ProxyHarness;
let api: FakeCredential;

beforeAll(async () => {
  h = await startHarness();
  api = h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
});
afterEach(() => {
  h.upstream.calls.length = 0;
  h.upstream.handler = (_req, res) => res.end('upstream ok');
  h.backend.locked = false;
});
afterAll(async () => {
  await h.close();
  expect(leakedTokens([...h.logs, ...h.seen], h.backend.allTokens())).toEqual([]);
});

function gw(path: string, headers: Record<string, string> = {}, extra: { method?: string; body?: string } = {}) {
  return h.send({ path, headers: { 'x-tokenwarden-key': h.backend.keyString(), ...headers }, ...extra });
}

describe('gateway mode', () => {
  it('forwards /<name>/<path>?<query> to the first bound origin with exactly one bearer token', async () => {
    const res = await gw('/api/v1/items?limit=2&q=x');
    expect(res.status).toBe(200);
    expect(res.body).toBe('upstream ok');
    expect(h.upstream.calls).toHaveLength(1);
    const call = h.upstream.calls[0]!;
    expect(call.url).toBe('/v1/items?limit=2&q=x');
    expect(authorizationsOf(call)).toEqual([`Bearer ${api.token}`]);
    expect(call.headers.host).toBe(new URL(h.upstream.origin).host);
  });

  it('P3 strips the proxy key before forwarding', async () => {
    await gw('/api/');
    const call = h.upstream.calls[0]!;
    expect(call.headers['x-tokenwarden-key']).toBeUndefined();
    expect(JSON.stringify(call.rawHeaders)).not.toContain(h.backend.keyString());
  });

  it('records a usage event without the query string and without the token', async () => {
    h.backend.usage.length = 0;
    await gw('/api/search?access_token=secret');
    expect(h.backend.usage).toEqual([expect.objectContaining({ name: 'api', method: 'GET', host: h.upstream.origin, path: '/search', status: 200, bytes: 11, mode: 'gateway' })]);
    expect(JSON.stringify(h.backend.usage)).not.toContain(api.token);
  });

  it('streams a POST body through and the upstream response back', async () => {
    h.upstream.handler = (_req, res, call) => res.end(`got ${call.body.length}`);
    const res = await gw('/api/upload', { 'content-type': 'application/octet-stream' }, { method: 'POST', body: 'x'.repeat(5000) });
    expect(res.body).toBe('got 5000');
  });
});

describe('streaming', () => {
  it('streams a large response through with backpressure and the bytes intact', async () => {
    const chunk = Buffer.alloc(64 * 1024, 7);
    h.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/octet-stream' });
      let sent = 0;
      const pump = (): void => {
        while (sent < 128) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    };
    const { request } = await import('node:http');
    const total = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: h.proxy.port, path: '/api/big', headers: { 'x-tokenwarden-key': h.backend.keyString() } }, (res) => {
        let bytes = 0;
        let bad = 0;
        res.on('data', (c: Buffer) => {
          bytes += c.length;
          if (c.some((b) => b !== 7)) bad++;
        });
        res.on('end', () => (bad ? reject(new Error('corrupt')) : resolve(bytes)));
      });
      req.on('error', reject);
      req.end();
    });
    expect(total).toBe(128 * 64 * 1024);
  });

  it('forwards an empty POST (Content-Length: 0) and a GET with Content-Length: 0', async () => {
    for (const method of ['POST', 'GET']) {
      const res = await gw('/api/empty', { 'content-length': '0' }, { method });
      expect(res.status).toBe(200);
    }
    expect(h.upstream.calls.map((c) => [c.method, c.body.length])).toEqual([
      ['POST', 0],
      ['GET', 0],
    ]);
  });

  it('answers HEAD, 204 and 304 without a body', async () => {
    for (const [method, status] of [['HEAD', 200], ['GET', 204], ['GET', 304]] as const) {
      h.upstream.handler = (_req, res) => {
        res.writeHead(status, { 'content-length': status === 200 ? '11' : '0', etag: '"x"' });
        res.end();
      };
      const res = await gw('/api/x', {}, { method });
      expect(res.status).toBe(status);
      expect(res.body).toBe('');
    }
  });
});

describe('guards: each rejects before any upstream call', () => {
  it.each([
    ['a foreign Host', 'evil.example:PORT'],
    ['a DNS-rebinding Host (attacker name on our port)', 'rebind.attacker.test:PORT'],
    ['localhost6', 'localhost6:PORT'],
    ['the right name on the wrong port', '127.0.0.1:1'],
    ['a bare hostname', 'localhost'],
  ])('P2 rejects %s with 421', async (_label, host) => {
    const res = await gw('/api/x', { host: host.replace('PORT', String(h.proxy.port)) });
    expectRefused(res, 421, 'ERR_BAD_HOST', h.upstream.calls);
  });

  it.each(['localhost', '[::1]', '127.0.0.1', 'LOCALHOST'])('P2 accepts Host %s:PORT', async (name) => {
    const res = await gw('/api/x', { host: `${name}:${h.proxy.port}` });
    expect(res.status).toBe(200);
  });

  it('P3 rejects a missing key with 401 and 0 upstream calls', async () => {
    const res = await send(h.proxy.port, { path: '/api/x' });
    expectRefused(res, 401, 'ERR_GATEWAY_KEY', h.upstream.calls);
  });

  it('P3 rejects a wrong key of the same length with 401 and 0 upstream calls', async () => {
    const good = h.backend.keyString();
    const wrong = (good[0] === 'A' ? 'B' : 'A') + good.slice(1);
    expect(wrong).toHaveLength(good.length);
    const res = await gw('/api/x', { 'x-tokenwarden-key': wrong });
    expect(res.status).toBe(401);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it.each([
    ['Origin', { origin: 'http://attacker.test' }],
    ['Origin: null', { origin: 'null' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site', { 'sec-fetch-site': 'same-site' }],
    ['X-Forwarded-For', { 'x-forwarded-for': '10.0.0.1' }],
  ])('P4 rejects %s with 403 and 0 upstream calls', async (_label, headers) => {
    const res = await gw('/api/x', headers);
    expect(res.status).toBe(403);
    expect(res.json?.error?.code).toBe('ERR_FORBIDDEN');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P4 accepts Sec-Fetch-Site: none (typed in the address bar)', async () => {
    expect((await gw('/api/x', { 'sec-fetch-site': 'none' })).status).toBe(200);
  });

  it('P4 never passes CORS headers back, even when the upstream sends them', async () => {
    h.upstream.handler = (_req, res) => {
      res.writeHead(200, { 'access-control-allow-origin': '*', 'access-control-allow-credentials': 'true', 'x-kept': '1' });
      res.end('ok');
    };
    const res = await gw('/api/x');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['x-kept']).toBe('1');
  });

  it('P5 refuses a plain-http upstream unless the credential allows loopback http', async () => {
    h.backend.add({ name: 'plain', hosts: [h.upstream.origin], allowInsecureLoopback: false });
    const res = await gw('/plain/x');
    expectRefused(res, 403, 'ERR_HOST_NOT_BOUND', h.upstream.calls);
    h.backend.credentials.delete('plain');
  });

  it('P5 refuses plain http to a non-loopback host even with allowInsecureLoopback', async () => {
    h.backend.add({ name: 'lan', hosts: ['http://192.0.2.55:8080'], allowInsecureLoopback: true });
    const res = await gw('/lan/x');
    expect(res.status).toBe(403);
    h.backend.credentials.delete('lan');
  });

  it('answers 404 for an unknown credential name, with 0 upstream calls', async () => {
    const res = await gw('/nope/x');
    expectRefused(res, 404, 'ERR_NOT_FOUND', h.upstream.calls);
  });

  it('P6 passes a 302 back as is and never follows it', async () => {
    const other = await import('../../fixtures/proxy-upstream.ts').then((m) => m.startUpstream());
    h.upstream.handler = (_req, res) => {
      res.writeHead(302, { location: `${other.origin}/landing` });
      res.end();
    };
    const res = await gw('/api/redirect');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe(`${other.origin}/landing`);
    expect(h.upstream.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(0);
    await other.close();
  });

  it('P8 strips hop-by-hop headers and every header named in Connection, both ways', async () => {
    h.upstream.handler = (_req, res) => {
      res.writeHead(200, { connection: 'X-Up-Secret', 'x-up-secret': '1', 'keep-alive': 'timeout=5', 'proxy-authenticate': 'Basic', 'x-kept': 'y' });
      res.end('ok');
    };
    const res = await gw('/api/x', { connection: 'X-Secret', 'x-secret': '1', te: 'trailers', 'proxy-connection': 'keep-alive', 'x-other': 'kept' });
    const call = h.upstream.calls[0]!;
    expect(call.headers['x-secret']).toBeUndefined();
    expect(call.headers.te).toBeUndefined();
    expect(call.headers['proxy-connection']).toBeUndefined();
    expect(call.headers['x-other']).toBe('kept');
    expect(res.headers['x-up-secret']).toBeUndefined();
    expect(res.headers['proxy-authenticate']).toBeUndefined();
    expect(res.headers['x-kept']).toBe('y');
  });

  it('P1 answers 423 ERR_LOCKED only to the right key while locked, 401 to any other, with 0 upstream calls', async () => {
    h.backend.locked = true;
    const wrong = await send(h.proxy.port, { path: '/api/x', headers: { 'x-tokenwarden-key': 'anything' } });
    const none = await send(h.proxy.port, { path: '/api/x' });
    const res = await send(h.proxy.port, { path: '/api/x', headers: { 'x-tokenwarden-key': h.backend.keyString() } });
    expectRefused(wrong, 401, 'ERR_GATEWAY_KEY', h.upstream.calls);
    expectRefused(none, 401, 'ERR_GATEWAY_KEY', h.upstream.calls);
    expectRefused(res, 423, 'ERR_LOCKED', h.upstream.calls);
  });

  it.each([
    ['ERR_NEEDS_LOGIN', 428],
    ['ERR_TOKEN_UNAVAILABLE', 503],
  ] as const)('maps %s from ensureFresh to %i with 0 upstream calls', async (code, status) => {
    api.failWith = code;
    const res = await gw('/api/x');
    delete api.failWith;
    expectRefused(res, status, code, h.upstream.calls);
  });

  it('answers 501 to an Upgrade (WebSocket) request, with 0 upstream calls', async () => {
    const res = await gw('/api/ws', { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' });
    expect(res.status).toBe(501);
    expect(h.upstream.calls).toHaveLength(0);
  });
});

describe('P7 authorization policy in gateway mode', () => {
  it.each(P7_CASES)('P7 %s with client Authorization %s', async (policy, clientAuth, status, expected) => {
    api.authPolicy = policy;
    const res = await gw('/api/x', clientAuth ? { authorization: clientAuth } : {});
    api.authPolicy = 'reject';
    expectP7Outcome({ status: res.status, code: res.json?.error?.code }, status, expected, h.upstream.calls, api.token);
  });
});

describe('R4 retry once after 401', () => {
  it('R4 retries a GET once with a forced refresh, then returns the second answer', async () => {
    const first = api.token;
    api.refreshed = ['tw-canary-refreshed-1111'];
    h.upstream.handler = (_req, res) => {
      res.writeHead(401);
      res.end('no');
    };
    const before = h.backend.tokenCalls.length;
    const res = await gw('/api/me');
    expect(res.status).toBe(401);
    expect(h.upstream.calls).toHaveLength(2);
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${first}`]);
    expect(authorizationsOf(h.upstream.calls[1]!)).toEqual(['Bearer tw-canary-refreshed-1111']);
    expect(h.backend.tokenCalls.slice(before)).toEqual([
      { name: 'api', force: false },
      { name: 'api', force: true, reason: 'upstream-401' },
    ]);
  });

  it('R4 never retries a static credential: a buffered POST meets a 401 with exactly 1 upstream call and no forced refresh', async () => {
    const fixed = h.backend.add({ name: 'fixed', kind: 'static', hosts: [h.upstream.origin], allowInsecureLoopback: true });
    h.upstream.handler = (_req, res) => {
      res.writeHead(401);
      res.end('no');
    };
    const before = h.backend.tokenCalls.length;
    const res = await gw('/fixed/items', { 'content-type': 'application/json' }, { method: 'POST', body: '{"a":1}' });
    h.backend.credentials.delete('fixed');
    expect(res.status).toBe(401);
    expect(h.upstream.calls).toHaveLength(1);
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${fixed.token}`]);
    expect(h.backend.tokenCalls.slice(before)).toEqual([{ name: 'fixed', force: false }]);
  });

  it('R4 retries a small buffered POST once, resending the same body', async () => {
    let n = 0;
    h.upstream.handler = (_req, res) => {
      res.writeHead(n++ === 0 ? 401 : 201);
      res.end();
    };
    const res = await gw('/api/items', { 'content-type': 'application/json' }, { method: 'POST', body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(h.upstream.calls.map((c) => c.body.toString())).toEqual(['{"a":1}', '{"a":1}']);
  });

  it('R4 never retries a streamed (chunked) POST: 401 after 1 upstream call', async () => {
    h.upstream.handler = (_req, res) => {
      res.writeHead(401);
      res.end();
    };
    async function* chunks() {
      yield Buffer.from('part1');
      yield Buffer.from('part2');
    }
    const res = await send(h.proxy.port, { method: 'POST', path: '/api/stream', headers: { 'x-tokenwarden-key': h.backend.keyString(), 'transfer-encoding': 'chunked' }, body: chunks() });
    expect(res.status).toBe(401);
    expect(h.upstream.calls).toHaveLength(1);
    expect(h.upstream.calls[0]!.body.toString()).toBe('part1part2');
  });

  it('R4 does not refresh our token when the client passed its own (passthrough)', async () => {
    api.authPolicy = 'passthrough';
    h.upstream.handler = (_req, res) => {
      res.writeHead(401);
      res.end();
    };
    const res = await gw('/api/me', { authorization: 'Bearer client' });
    api.authPolicy = 'reject';
    expect(res.status).toBe(401);
    expect(h.upstream.calls).toHaveLength(1);
  });
});

describe('SO_REUSEPORT (the bench measure of a multi-process gateway)', () => {
  it.runIf(process.platform === 'linux')('two gateways with reusePort share one port and each serves with the right token', async () => {
    const port = await freePort();
    const first = await startHarness({ upstream: h.upstream, backend: h.backend, proxy: { port, reusePort: true } });
    const second = await startHarness({ upstream: h.upstream, backend: h.backend, proxy: { port, reusePort: true } });
    try {
      expect([first.proxy.port, second.proxy.port]).toEqual([port, port]);
      const res = await first.send({ path: '/api/shared', headers: { 'x-tokenwarden-key': h.backend.keyString() } });
      expect(res.status).toBe(200);
      expect(authorizationsOf(h.upstream.calls.at(-1)!)).toEqual([`Bearer ${api.token}`]);
    } finally {
      await first.proxy.close();
      await second.proxy.close();
    }
  });

  it('without reusePort a second gateway cannot take a port that is in use', async () => {
    await expect(startHarness({ upstream: h.upstream, backend: h.backend, proxy: { port: h.proxy.port } })).rejects.toThrow();
  });
});
