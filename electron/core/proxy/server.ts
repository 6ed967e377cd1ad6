/** startProxy: one loopback listener for gateway, forward and CONNECT modes, with the P1/P9/P10 server limits. */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { ProxyBackend } from './backend.ts';
import { CertificateAuthority } from './certificate-authority.ts';
import { ConnectionBudget, type BudgetStats } from './connection-budget.ts';
import { handleConnect } from './connect.ts';
import { gatewayHosts, isLoopbackAddress } from './guards.ts';
import { ProxyRejection, sendError, toErrorAnswer, writeRawError } from './proxy-error.ts';
import { RequestPipeline, type TunnelContext } from './request-pipeline.ts';
import { Upstreams } from './upstreams.ts';

export interface ProxyOptions {
  backend: ProxyBackend;
  /** 0 picks a free port. */
  port: number;
  /** Refuse CONNECT to unbound hosts instead of tunnelling them blindly. */
  strict?: boolean;
  upstreamTimeoutMs?: number;
  /** Extra CAs trusted for upstream verification, on top of the system roots. */
  trustedCaPems?: string[];
  log?: (line: string) => void;
  /** P10 limits; the defaults suit a desktop. headersTimeoutMs is capped at 10 s. */
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
  maxBodyBytes?: number;
  maxSockets?: number;
  /** P10: sockets one peer address may hold (default half of maxSockets). */
  maxSocketsPerPeer?: number;
  /** P10: a new connection must send its first request head (with the key) within this time (default 10 s). */
  firstRequestTimeoutMs?: number;
  now?: () => Date;
  /**
   * Linux SO_REUSEPORT on a fixed port: several processes each accept their share of new connections. Only
   * `bench:proxy` uses it, to measure what a multi-process gateway would gain (the `--workers` stretch in docs/PERFORMANCE.md).
   */
  reusePort?: boolean;
}

export interface ProxyServer {
  port: number;
  url: string;
  close(): Promise<void>;
  /** The current CA certificate (PEM); creates or regenerates it if needed. Throws ERR_LOCKED while locked. */
  caPem(): Promise<string>;
  /** P10: what the socket budget holds and has evicted, for tests and diagnostics. */
  connections(): BudgetStats;
}

const MAX_HEADER_BYTES = 16 * 1024;

const OVERLOADED = new ProxyRejection('ERR_OVERLOADED', 'The proxy has every connection busy; retry in a second.', { close: true, headers: { 'retry-after': '1' } });

export async function startProxy(options: ProxyOptions): Promise<ProxyServer> {
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, 10_000);
  const requestTimeout = Math.max(options.requestTimeoutMs ?? 300_000, headersTimeout);
  const upstreamTimeoutMs = options.upstreamTimeoutMs ?? 30_000;
  const log = options.log;
  const upstreams = new Upstreams({ timeoutMs: upstreamTimeoutMs, ...(options.trustedCaPems ? { trustedCaPems: options.trustedCaPems } : {}) });
  const ca = new CertificateAuthority(options.backend, options.now);
  const tunnels = new WeakMap<object, TunnelContext>();
  const blindSockets = new Set<Socket>();
  const hosts = new Set<string>();
  const pipeline = new RequestPipeline({
    backend: options.backend,
    upstreams,
    gatewayHosts: hosts,
    maxBodyBytes: options.maxBodyBytes ?? 100 * 1024 * 1024,
    log,
  });

  const server = createServer(
    {
      insecureHTTPParser: false,
      requireHostHeader: true,
      joinDuplicateHeaders: false,
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout,
      requestTimeout,
      keepAliveTimeout: 5_000,
      // Node enforces the timeouts above only when it checks; check often enough to honour them.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
    },
    (req: IncomingMessage, res: ServerResponse) => {
      // P10: a connection the budget could not make room for is answered before the pipeline sees it, so nothing
      // is decided, refreshed or spent for it; the client is told when to come back.
      if (budget.isShed(req.socket)) return sendError(res, toErrorAnswer(OVERLOADED));
      void pipeline.handle(req, res, tunnels.get(req.socket));
    },
  );
  const maxSockets = options.maxSockets ?? 1_024;

  // P1: the listener is loopback-only; a peer that is not loopback is dropped without a byte.
  server.on('connection', (socket: Socket) => {
    if (!tunnels.has(socket) && !isLoopbackAddress(socket.remoteAddress)) socket.destroy();
    else if (socket.remotePort) {
      const closed = options.backend.peerConnected({ port: socket.remotePort, localPort: socket.localPort ?? 0 });
      if (closed) socket.once('close', closed);
    }
  });

  // P9/P10: parse errors, oversized headers and timeouts answer once and close.
  const budget = new ConnectionBudget({
    maxSockets,
    maxPerPeer: options.maxSocketsPerPeer ?? Math.max(1, Math.floor(maxSockets / 2)),
    // As long as headersTimeout: a hoard of silent sockets is evicted at the hard cap, so the deadline needs no haste,
    // and a client slowed by a loaded machine is not cut off before it has sent its request.
    firstRequestTimeoutMs: Math.min(options.firstRequestTimeoutMs ?? 10_000, headersTimeout),
    log,
  });
  // Node's own cap refuses with a reset before the budget can evict or answer: it is only a backstop above the hard cap.
  server.maxConnections = budget.hardMaxSockets + 64;
  budget.attach(server);

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
    const code = status === 431 ? 'ERR_TOO_LARGE' : status === 408 ? 'ERR_TIMEOUT' : 'ERR_BAD_REQUEST';
    log?.(`proxy rejected a malformed request (${err.code ?? 'unknown'})`);
    writeRawError(socket, toErrorAnswer(new ProxyRejection(code, status === 400 ? 'The request is malformed.' : 'The request headers were too large or too slow.', { status, close: true })));
  });

  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    writeRawError(socket, toErrorAnswer(new ProxyRejection('ERR_NOT_AVAILABLE', 'WebSocket and other Upgrade requests are not supported by the proxy.', { status: 501 })));
  });

  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    if (budget.isShed(socket)) return writeRawError(socket, toErrorAnswer(OVERLOADED));
    void handleConnect(
      {
        backend: options.backend,
        ca,
        keys: pipeline.keys,
        strict: Boolean(options.strict),
        upstreamTimeoutMs,
        sockets: blindSockets,
        log,
        adopt: (tunnelled: TLSSocket | Socket, tunnel: TunnelContext) => {
          tunnels.set(tunnelled, tunnel);
          server.emit('connection', tunnelled);
        },
      },
      req,
      socket,
      head,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.reusePort ? { host: '127.0.0.1', port: options.port, reusePort: true } : { host: '127.0.0.1', port: options.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  for (const host of gatewayHosts(port)) hosts.add(host);
  // S6: nothing the vault protects outlives a lock in the proxy's memory.
  const stopForgetting = options.backend.onLock(() => {
    ca.forget();
    pipeline.keys.forget();
  });
  log?.(`proxy listening on http://127.0.0.1:${port}`);

  return {
    port,
    url: `http://127.0.0.1:${port}`,
    caPem: () => ca.caPem(),
    connections: () => budget.stats(),
    close: async () => {
      stopForgetting?.();
      ca.forget();
      pipeline.keys.forget();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of blindSockets) socket.destroy();
      await Promise.all([closed, upstreams.close()]);
    },
  };
}
