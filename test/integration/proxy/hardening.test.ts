import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../../electron/core/proxy/server.ts';
import type { FakeCredential } from '../../fixtures/proxy-backend.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { expectRefused } from '../../fixtures/proxy-expect.ts';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';
import { startUpstream } from '../../fixtures/proxy-upstream.ts';

const run = promisify(execFile);
let h: ProxyHarness;
let api: FakeCredential;
let key: string;
let hostHeader: string;

beforeAll(async () => {
  h = await startHarness({ proxy: { maxBodyBytes: 64 * 1024 } });
  api = h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
  key = h.backend.keyString();
  hostHeader = `127.0.0.1:${h.proxy.port}`;
});
afterEach(() => {
  h.upstream.calls.length = 0;
  h.upstream.handler = (_req, res) => res.end('upstream ok');
});
afterAll(async () => {
  await h.close();
  // S7 canary: the whole file's log lines and every response body we read.
  expect(leakedTokens([...h.logs, ...h.seen], h.backend.allTokens())).toEqual([]);
});

describe('P1 loopback only', () => {
  it('P1 listens on 127.0.0.1 only (server address and ss -ltn)', async () => {
    const other = await startProxy({ backend: h.backend, port: 0 });
    const { stdout } = await run('ss', ['-ltnH', `sport = :${other.port}`]).catch(() => ({ stdout: '' }));
    await other.close();
    expect(h.proxy.url).toBe(`http://127.0.0.1:${h.proxy.port}`);
    if (stdout.trim()) {
      const locals = stdout.trim().split('\n').map((line) => line.trim().split(/\s+/)[3]);
      expect(locals).toEqual([`127.0.0.1:${other.port}`]);
    }
  });

  it('P1 a connection through a non-loopback local address is refused', async (ctx) => {
    const lan = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    if (!lan) ctx.skip();
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(h.proxy.port, lan!);
      socket.once('connect', () => {
        socket.destroy();
        resolve('connected');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
    expect(h.upstream.calls).toHaveLength(0);
  });
});

describe('P9 strict framing: 400, connection closed, 0 upstream calls', () => {
  const cases: [string, string][] = [
    ['CL and TE together', 'POST /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['duplicate Content-Length', 'POST /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc'],
    ['obs-fold', 'GET /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nX-A: b\r\n  folded\r\n\r\n'],
    ['CR inside a value', 'GET /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nX-A: b\rc\r\n\r\n'],
    ['bare LF inside a value', 'GET /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nX-A: b\nX-B: c\r\n\r\n'],
    ['NUL inside a value', 'GET /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nX-A: b\0c\r\n\r\n'],
    ['NUL inside a name', 'GET /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nX\0A: b\r\n\r\n'],
    ['NUL inside Host', 'GET /api/x HTTP/1.1\r\nHost: H\0\r\nX-Tokenwarden-Key: K\r\n\r\n'],
    ['a non-chunked final coding', 'POST /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nTransfer-Encoding: gzip\r\n\r\nabc'],
    ['chunked, gzip', 'POST /api/x HTTP/1.1\r\nHost: H\r\nX-Tokenwarden-Key: K\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n'],
    ['two Host headers', 'GET /api/x HTTP/1.1\r\nHost: H\r\nHost: H\r\nX-Tokenwarden-Key: K\r\n\r\n'],
    ['no Host header', 'GET /api/x HTTP/1.1\r\nX-Tokenwarden-Key: K\r\n\r\n'],
  ];
  it.each(cases)('P9 rejects %s', async (_label, template) => {
    const { response, closed } = await h.raw(template.replaceAll('Host: H', `Host: ${hostHeader}`).replace('X-Tokenwarden-Key: K', `X-Tokenwarden-Key: ${key}`));
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(closed).toBe(true);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P9 the same request without the defect is forwarded (the cases above are not rejected for another reason)', async () => {
    const { response } = await h.raw(`GET /api/x HTTP/1.1\r\nHost: ${hostHeader}\r\nX-Tokenwarden-Key: ${key}\r\nConnection: close\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 200 /);
    expect(h.upstream.calls).toHaveLength(1);
  });

  it('P9 header fuzzing with CR, LF and NUL never crashes the proxy and never reaches upstream', async () => {
    const nasty = fc.constantFrom('\r', '\n', '\0', '\r\n', '\r\n\r\n', ' \r\n ', ':');
    const piece = fc.string({ unit: fc.constantFrom('a', 'B', '-', ' ', '\t', '1'), maxLength: 8 });
    const withNasty = fc.tuple(piece, nasty, piece).map(([a, n, b]) => a + n + b);
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: fc.constantFrom('x', '-', 'Y'), minLength: 1, maxLength: 6 }), withNasty, fc.boolean(), async (name, value, inName) => {
        const line = inName ? `X-${name}${value}: v` : `X-${name}: ${value}`;
        const before = h.upstream.calls.length;
        const { response } = await h.raw(`GET /api/fuzz HTTP/1.1\r\nHost: ${hostHeader}\r\nX-Tokenwarden-Key: ${key}\r\n${line}\r\nConnection: close\r\n\r\n`);
        expect(response).toMatch(/^HTTP\/1\.1 (200|400|421|403|401) /);
        for (const call of h.upstream.calls.slice(before)) {
          for (const item of call.rawHeaders) expect(item).not.toMatch(/[\r\n\0]/);
        }
      }),
      { numRuns: 150 },
    );
    const after = await send(h.proxy.port, { path: '/api/alive', headers: { 'x-tokenwarden-key': key } });
    expect(after.status).toBe(200);
  });
});

describe('P10 bounded resources', () => {
  it('P10 a slowloris client (one header byte at a time) is cut by headersTimeout', async () => {
    const slow = await startProxy({ backend: h.backend, port: 0, headersTimeoutMs: 300 });
    const started = Date.now();
    const outcome = await new Promise<{ response: string; bytes: number }>((resolve) => {
      const text = `GET /api/x HTTP/1.1\r\nHost: 127.0.0.1:${slow.port}\r\nX-Slow: ${'a'.repeat(200)}`;
      const socket = connect(slow.port, '127.0.0.1');
      let sent = 0;
      let response = '';
      // The attacker's pace, not a wait for state: the test ends on the proxy's close event.
      const drip = setInterval(() => {
        if (sent < text.length && socket.writable) socket.write(text[sent++]!);
      }, 50);
      socket.on('data', (c: Buffer) => (response += c.toString()));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve({ response, bytes: sent });
      });
    });
    await slow.close();
    expect(outcome.bytes).toBeLessThan(200);
    expect(outcome.response === '' || /^HTTP\/1\.1 408 /.test(outcome.response)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P10 headers over 16 KiB get 431 and a closed connection', async () => {
    const { response, closed } = await h.raw(`GET /api/x HTTP/1.1\r\nHost: ${hostHeader}\r\nX-Tokenwarden-Key: ${key}\r\nX-Big: ${'a'.repeat(17 * 1024)}\r\n\r\n`);
    expect(response).toMatch(/^HTTP\/1\.1 431 /);
    expect(closed).toBe(true);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P10 a Content-Length over the body limit gets 413 and 0 upstream calls', async () => {
    const res = await send(h.proxy.port, { method: 'POST', path: '/api/big', headers: { 'x-tokenwarden-key': key }, body: Buffer.alloc(100 * 1024, 1) });
    expectRefused(res, 413, 'ERR_TOO_LARGE', h.upstream.calls);
  });

  it('P10 a chunked body that grows past the limit is cut with 413', async () => {
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield Buffer.alloc(16 * 1024, 1);
    }
    const res = await send(h.proxy.port, { method: 'POST', path: '/api/big', headers: { 'x-tokenwarden-key': key, 'transfer-encoding': 'chunked' }, body: chunks() }).catch((err: Error) => ({
      status: -1,
      json: undefined,
      error: err,
    }));
    // Either the 413 arrives, or the proxy cut the connection mid-upload; the upstream never gets the whole body.
    expect([413, -1]).toContain(res.status);
    expect(h.upstream.calls.filter((c) => c.body.length >= 160 * 1024)).toHaveLength(0);
  });

  it('P10 an upstream that does not answer in time gives 504 ERR_UPSTREAM_TIMEOUT', async () => {
    const hanging = await startUpstream({ handler: () => undefined });
    const proxy = await startProxy({ backend: h.backend, port: 0, upstreamTimeoutMs: 200 });
    h.backend.add({ name: 'hang', hosts: [hanging.origin], allowInsecureLoopback: true });
    const res = await send(proxy.port, { path: '/hang/x', headers: { 'x-tokenwarden-key': key } });
    h.backend.credentials.delete('hang');
    await proxy.close();
    await hanging.close();
    expect(res.status).toBe(504);
    expect(res.json?.error?.code).toBe('ERR_UPSTREAM_TIMEOUT');
  });

  it('an unreachable upstream gives 502 ERR_UPSTREAM', async () => {
    const gone = await startUpstream();
    const origin = gone.origin;
    await gone.close();
    h.backend.add({ name: 'gone', hosts: [origin], allowInsecureLoopback: true });
    const res = await send(h.proxy.port, { path: '/gone/x', headers: { 'x-tokenwarden-key': key } });
    h.backend.credentials.delete('gone');
    expect(res.status).toBe(502);
    expect(res.json?.error?.code).toBe('ERR_UPSTREAM');
  });

  it('P10 a client abort is propagated upstream', async () => {
    let upstreamClosed!: () => void;
    const closed = new Promise<void>((r) => (upstreamClosed = r));
    let reached!: () => void;
    const arrived = new Promise<void>((r) => (reached = r));
    h.upstream.handler = (req, res) => {
      res.on('close', () => upstreamClosed());
      res.writeHead(200);
      res.write('partial');
      reached();
      void req;
    };
    const socket = connect(h.proxy.port, '127.0.0.1', () => socket.write(`GET /api/long HTTP/1.1\r\nHost: ${hostHeader}\r\nX-Tokenwarden-Key: ${key}\r\n\r\n`));
    socket.on('error', () => undefined);
    await arrived;
    socket.destroy();
    await closed;
    expect(h.upstream.calls).toHaveLength(1);
  });

  it('S7 error bodies and logs never contain the token, even when the upstream fails', async () => {
    api.failWith = 'ERR_TOKEN_UNAVAILABLE';
    const res = await send(h.proxy.port, { path: '/api/x?access_token=zzz', headers: { 'x-tokenwarden-key': key } });
    delete api.failWith;
    h.seen.push(res.body);
    expect(res.status).toBe(503);
    expect(res.body).not.toContain(api.token);
    expect(h.logs.join('\n')).not.toContain('zzz');
  });
});
