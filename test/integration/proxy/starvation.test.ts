import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy, type ProxyServer } from '../../../electron/core/proxy/server.ts';
import { hasExited } from '../../fixtures/child-exit.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';

const HOG = join(import.meta.dirname, '../../fixtures/socket-hog.ts');
let h: ProxyHarness;
let key: string;
const hogs: ChildProcess[] = [];

interface HogReport {
  opened: number;
  answered: number;
  closedByServer: number;
}

/** Another local process holding `count` sockets; resolves once all of them connected. */
async function startHog(port: number, count: number, mode: 'fresh' | 'partial' | 'keepalive', localAddress = '127.0.0.1'): Promise<HogReport> {
  const child = spawn(process.execPath, [HOG, String(port), String(count), mode, localAddress], {
    env: { ...process.env, HOG_KEY: key },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  hogs.push(child);
  const [line] = (await once(createInterface({ input: child.stdout! }), 'line')) as [string];
  return JSON.parse(line) as HogReport;
}

async function stopHogs(): Promise<void> {
  for (const child of hogs.splice(0)) {
    if (hasExited(child)) continue;
    const exited = once(child, 'exit');
    child.stdin!.end();
    await exited;
  }
}

async function legitimateRequests(port: number, n: number): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < n; i++) statuses.push((await send(port, { path: `/api/legit-${i}`, headers: { 'x-tokenwarden-key': key } })).status);
  return statuses;
}

beforeAll(async () => {
  h = await startHarness();
  h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
  key = h.backend.keyString();
});
afterEach(async () => {
  await stopHogs();
  h.upstream.calls.length = 0;
});
afterAll(async () => {
  await stopHogs();
  await h.close();
});

describe('P10 starvation: idle sockets cannot lock out a client with the key', () => {
  it('P10 a legitimate client gets through while another process holds 2,000 idle sockets without a key', async () => {
    // A long first-request deadline, so eviction (not the deadline) is what keeps room for the client.
    const proxy = await startProxy({ backend: h.backend, port: 0, firstRequestTimeoutMs: 60_000 });
    try {
      const hog = await startHog(proxy.port, 2_000, 'fresh');
      expect(hog.opened).toBe(2_000);
      // The listener may still be accepting what the hog opened; count once it has seen all of them.
      await expect.poll(() => proxy.connections().open + proxy.connections().evicted, { timeout: 10_000 }).toBeGreaterThanOrEqual(2_000);
      // The proxy held at most its hard per-peer cap (twice 512); the rest, silent, were evicted oldest-first.
      expect(proxy.connections().open).toBeLessThanOrEqual(1_024);
      expect(proxy.connections().evicted).toBeGreaterThanOrEqual(2_000 - 1_024);
      expect(await legitimateRequests(proxy.port, 20)).toEqual(Array(20).fill(200));
      expect(h.upstream.calls.filter((c) => c.url.startsWith('/legit-'))).toHaveLength(20);
    } finally {
      await proxy.close();
    }
  });

  it('P10 a hoarder that sends one byte per socket cannot lock out a client with the key either', async () => {
    const proxy = await startProxy({ backend: h.backend, port: 0, maxSockets: 200, maxSocketsPerPeer: 100, firstRequestTimeoutMs: 60_000 });
    try {
      const hog = await startHog(proxy.port, 600, 'partial');
      expect(hog.opened).toBe(600);
      await expect.poll(() => proxy.connections().open + proxy.connections().evicted, { timeout: 10_000 }).toBeGreaterThanOrEqual(600);
      expect(proxy.connections().open).toBeLessThanOrEqual(200);
      expect(await legitimateRequests(proxy.port, 10)).toEqual(Array(10).fill(200));
      expect(proxy.connections().shed).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('P10 idle keep-alive sockets are evicted before a new connection is refused', async () => {
    const proxy = await startProxy({ backend: h.backend, port: 0, maxSockets: 256, maxSocketsPerPeer: 256 });
    try {
      const hog = await startHog(proxy.port, 600, 'keepalive');
      expect(hog.answered).toBeGreaterThan(0);
      expect(proxy.connections().evicted).toBeGreaterThan(0);
      expect(await legitimateRequests(proxy.port, 10)).toEqual(Array(10).fill(200));
    } finally {
      await proxy.close();
    }
  });

  it('P10 one peer address is capped, so a flood from 127.0.0.2 leaves room for 127.0.0.1', async (ctx) => {
    const probe = await new Promise<boolean>((resolve) => {
      const s = connect({ port: h.proxy.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (!probe) ctx.skip();
    const proxy = await startProxy({ backend: h.backend, port: 0, maxSockets: 400, maxSocketsPerPeer: 100, firstRequestTimeoutMs: 60_000 });
    try {
      const hog = await startHog(proxy.port, 1_000, 'fresh', '127.0.0.2');
      expect(hog.opened).toBe(1_000);
      // A burst may take up to twice the per-peer cap before silent sockets are evicted; the rest were.
      expect(proxy.connections().open).toBeLessThanOrEqual(200);
      expect(await legitimateRequests(proxy.port, 10)).toEqual(Array(10).fill(200));
    } finally {
      await proxy.close();
    }
  });
});

describe('P10 unauthenticated connections are closed quickly', () => {
  let proxy: ProxyServer;
  beforeAll(async () => {
    proxy = await startProxy({ backend: h.backend, port: 0, firstRequestTimeoutMs: 300 });
  });
  afterAll(() => proxy.close());

  it('P10 a connection that sends nothing is closed at the first-request deadline, long before headersTimeout', async () => {
    const started = performance.now();
    const socket = connect(proxy.port, '127.0.0.1');
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    socket.on('error', () => undefined);
    await once(socket, 'close');
    expect(received).toBe('');
    // Bounded by the test timeout otherwise; 10 s is the headersTimeout this deadline must beat.
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('P10 a keep-alive request without the key gets its 401 and then the connection is closed', async () => {
    const socket = connect(proxy.port, '127.0.0.1', () =>
      socket.write(`GET /api/x HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nConnection: keep-alive\r\n\r\n`),
    );
    let received = '';
    socket.on('data', (c: Buffer) => (received += c.toString()));
    socket.on('error', () => undefined);
    await once(socket, 'close');
    expect(received).toMatch(/^HTTP\/1\.1 401 /);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P10 a client with the key keeps its keep-alive connection past the first-request deadline', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    const exchange = async (path: string): Promise<string> => {
      socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nX-Tokenwarden-Key: ${key}\r\n\r\n`);
      const [chunk] = (await once(socket, 'data')) as [Buffer];
      return chunk.toString();
    };
    expect(await exchange('/api/one')).toMatch(/^HTTP\/1\.1 200 /);
    // A silent socket opened now is closed at the deadline: its close proves the deadline passed for both.
    const silent = connect(proxy.port, '127.0.0.1');
    silent.on('error', () => undefined);
    await once(silent, 'close');
    expect(socket.destroyed).toBe(false);
    expect(await exchange('/api/two')).toMatch(/^HTTP\/1\.1 200 /);
    socket.destroy();
  });

  it('P10 a request head still arriving at the first-request deadline (a busy client) is not cut off; a silent socket is', async () => {
    const socket = connect(proxy.port, '127.0.0.1');
    socket.on('error', () => undefined);
    await once(socket, 'connect');
    socket.write(`GET /api/slow-head HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\n`);
    const silent = connect(proxy.port, '127.0.0.1');
    silent.on('error', () => undefined);
    await once(silent, 'close');
    expect(socket.destroyed).toBe(false);
    socket.write(`X-Tokenwarden-Key: ${key}\r\n\r\n`);
    const [chunk] = (await once(socket, 'data')) as [Buffer];
    expect(chunk.toString()).toMatch(/^HTTP\/1\.1 200 /);
    socket.destroy();
  });
});

describe('P10 the socket cap sheds only when every socket is busy', () => {
  it('P10 with every socket busy up to the hard cap (twice maxSockets), a newcomer gets 503 ERR_OVERLOADED with Retry-After and no upstream call, and is served once one ends', async () => {
    const release: (() => void)[] = [];
    h.upstream.handler = (_req, res) => release.push(() => res.end('late'));
    const proxy = await startProxy({ backend: h.backend, port: 0, maxSockets: 2, maxSocketsPerPeer: 2 });
    try {
      // A burst past the soft cap is admitted, not reset: four requests are in flight at once.
      const inflight = [0, 1, 2, 3].map((i) => send(proxy.port, { path: `/api/busy-${i}`, headers: { 'x-tokenwarden-key': key } }));
      await expect.poll(() => release.length, { timeout: 5_000 }).toBe(4);
      const calls = h.upstream.calls.length;
      const shed = await send(proxy.port, { path: '/api/fifth', headers: { 'x-tokenwarden-key': key } });
      expect(shed.status).toBe(503);
      expect(shed.headers['retry-after']).toBe('1');
      expect(JSON.parse(shed.body)).toMatchObject({ error: { code: 'ERR_OVERLOADED' } });
      expect(h.upstream.calls.length).toBe(calls);
      expect(proxy.connections().shed).toBe(1);
      for (const r of release) r();
      expect((await Promise.all(inflight)).map((r) => r.status)).toEqual([200, 200, 200, 200]);
      h.upstream.handler = (_req, res) => res.end('upstream ok');
      expect((await send(proxy.port, { path: '/api/after', headers: { 'x-tokenwarden-key': key } })).status).toBe(200);
    } finally {
      h.upstream.handler = (_req, res) => res.end('upstream ok');
      await proxy.close();
    }
  });
});

describe('P10 pipelined requests keep their socket busy until the last answer', () => {
  it('P10 a socket with a pipelined request still in flight is not evicted as idle', async () => {
    const release: (() => void)[] = [];
    h.upstream.handler = (req, res) => (req.url?.includes('slow') ? release.push(() => res.end('late')) : res.end('quick'));
    const proxy = await startProxy({ backend: h.backend, port: 0, maxSockets: 1, maxSocketsPerPeer: 1 });
    try {
      const socket = connect(proxy.port, '127.0.0.1');
      socket.on('error', () => undefined);
      let received = '';
      socket.on('data', (c: Buffer) => (received += c.toString()));
      await once(socket, 'connect');
      const head = (path: string) => `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${proxy.port}\r\nX-Tokenwarden-Key: ${key}\r\n\r\n`;
      socket.write(head('/api/quick') + head('/api/slow'));
      await expect.poll(() => release.length, { timeout: 5_000 }).toBe(1);
      // The first answer went out; the second is in flight: a newcomer is admitted past the soft cap, and the busy
      // socket is not evicted to make room for it.
      const newcomer = await send(proxy.port, { path: '/api/new', headers: { 'x-tokenwarden-key': key } });
      expect(newcomer.status).toBe(200);
      expect(proxy.connections().evicted).toBe(0);
      release[0]!();
      await expect.poll(() => (received.match(/HTTP\/1\.1 200/g) ?? []).length, { timeout: 5_000 }).toBe(2);
      expect(socket.destroyed).toBe(false);
      socket.destroy();
    } finally {
      h.upstream.handler = (_req, res) => res.end('upstream ok');
      await proxy.close();
    }
  });
});
