/** The per-request pipeline: guards, routing, Authorization policy (P7), body handling, forwarding and usage events. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { type ProxyCaller, type Release } from '../access/access-control.ts';
import type { ProxyBackend, ProxyCredential } from './backend.ts';
import { forward } from './forward.ts';
import { KeyVerifier, parseProxyAuthorization, scanRequestHeaders, type HeaderScan } from './guards.ts';
import { ProxyRejection, sendError, toErrorAnswer } from './proxy-error.ts';
import { assertTransport, routeForward, routeGateway, type Route } from './router.ts';
import type { Upstreams } from './upstreams.ts';
import { callerKey, usageEventOf } from './usage-event.ts';

/** Bodies up to this size are buffered on purpose so a 401 can be retried once (R4). */
export const REPLAY_BUFFER_LIMIT = 1024 * 1024;

/** What a TLS-terminated CONNECT tunnel already established: the client authenticated at CONNECT time. */
export interface TunnelContext {
  credential: ProxyCredential;
  origin: string;
  /** Lower-case host[:port] without the default port: the only Host accepted inside the tunnel. */
  authority: string;
  /** Who authenticated at CONNECT time; every request inside is admitted for this caller. */
  caller: ProxyCaller;
}

/** A route plus who asked for it. */
type Routed = Route & { caller: ProxyCaller };

export interface PipelineOptions {
  backend: ProxyBackend;
  upstreams: Upstreams;
  gatewayHosts: Set<string>;
  maxBodyBytes: number;
  log: ((line: string) => void) | undefined;
}

const NO_BODY = Object.freeze({ body: null, replayable: true });

const PROXY_AUTHENTICATE = { 'proxy-authenticate': 'Basic realm="tokenwarden"' };

export class RequestPipeline {
  readonly #backend: ProxyBackend;
  readonly #upstreams: Upstreams;
  readonly #hosts: Set<string>;
  readonly #maxBody: number;
  readonly #log: ((line: string) => void) | undefined;
  readonly keys: KeyVerifier;

  constructor(options: PipelineOptions) {
    this.#backend = options.backend;
    this.#upstreams = options.upstreams;
    this.#hosts = options.gatewayHosts;
    this.#maxBody = options.maxBodyBytes;
    this.#log = options.log;
    this.keys = new KeyVerifier(options.backend);
  }

  async handle(req: IncomingMessage, res: ServerResponse, tunnel: TunnelContext | undefined): Promise<void> {
    const started = performance.now();
    let route: Routed | undefined;
    let scan: HeaderScan | undefined;
    try {
      scan = scanRequestHeaders(req.rawHeaders);
      route = this.#route(req, scan, tunnel);
      if (scan.upgrade) throw new ProxyRejection('ERR_NOT_AVAILABLE', 'WebSocket and other Upgrade requests are not supported by the proxy.', { status: 501 });
      // A1: policy and key scope are decided before ensureFresh and before the body is read.
      // A1: only a concurrency limit can make admission wait; a client that leaves meanwhile must not keep or leak
      // a slot. Without one, no AbortController and no close listeners per request (their cost showed under load).
      const gone = route.credential.policy?.concurrency !== undefined ? new AbortController() : undefined;
      const onClose = gone ? () => gone.abort() : undefined;
      if (onClose) res.once('close', onClose);
      const admitted = this.#backend.access.admit({ method: req.method ?? 'GET', target: route.path, headers: scan.out, credential: route.credential, caller: route.caller, signal: gone?.signal });
      // Awaited only when admission has to wait (a concurrency slot): an await on a plain value still costs a hop.
      const release = admitted instanceof Promise ? await admitted : admitted;
      if (onClose) res.off('close', onClose);
      if (gone?.signal.aborted || res.destroyed || req.socket.destroyed) {
        // The client left while we waited: free the slot and send nothing upstream.
        release?.();
        return;
      }
      if (release) res.once('close', release as Release);
      await this.#forward(req, res, scan, route, started);
    } catch (err) {
      const answer = toErrorAnswer(err);
      if (answer.code === 'ERR_CANCELLED') {
        res.destroy();
        return;
      }
      // An unread request body cannot be left on a keep-alive connection.
      if (scan && !req.readableEnded && (scan.transferEncoding !== undefined || (scan.contentLength !== undefined && scan.contentLength !== '0'))) {
        answer.close = true;
      }
      sendError(res, answer, answer.code === 'ERR_PROXY_AUTH' ? PROXY_AUTHENTICATE : undefined);
      this.#log?.(`proxy ${route?.mode ?? (tunnel ? 'connect' : 'request')} ${req.method} -> ${answer.status} ${answer.code}${route ? ` (${route.credential.name})` : ''}`);
      // Refusals before routing are recorded too, so the audit log and alerts see bad keys and unbound hosts.
      this.#backend.recordUsage(usageEventOf({ req, route, scan, tunnel, status: answer.status, bytes: 0, started, code: answer.code, key: callerKey(route?.caller ?? tunnel?.caller), known: (name) => this.#backend.credential(name) !== undefined }));
    }
  }

  #route(req: IncomingMessage, scan: HeaderScan, tunnel: TunnelContext | undefined): Routed {
    const url = req.url ?? '';
    const host = scan.host!;
    if (tunnel) {
      if (host !== tunnel.authority && host.toLowerCase() !== tunnel.authority) {
        throw new ProxyRejection('ERR_BAD_HOST', 'The Host header must equal the CONNECT target.', { close: true });
      }
      if (url.charCodeAt(0) !== 0x2f) throw new ProxyRejection('ERR_BAD_REQUEST', 'Inside a tunnel only origin-form targets are accepted.', { close: true });
      this.#assertUnlocked();
      // A tunnel can outlive its binding: re-check on every request so an unbound or removed credential stops at once.
      const credential = this.#backend.credential(tunnel.credential.name);
      if (!credential || !credential.hosts.includes(tunnel.origin)) {
        throw new ProxyRejection('ERR_HOST_NOT_BOUND', `${tunnel.origin} is no longer bound to credential "${tunnel.credential.name}".`, { close: true });
      }
      assertTransport(credential, tunnel.origin);
      return { mode: 'connect', credential, origin: tunnel.origin, path: url, caller: tunnel.caller };
    }
    if (url.charCodeAt(0) === 0x2f) {
      // P2: checked before the key and before routing; a rebinding page carries its own hostname here.
      if (!this.#hosts.has(host) && !this.#hosts.has(host.toLowerCase())) {
        throw new ProxyRejection('ERR_BAD_HOST', 'The Host header is not an allowed loopback name.');
      }
      // P1: the key is checked first, so only a caller with a right key learns that the vault is locked.
      const caller = this.keys.identify(scan.gatewayKey);
      if (!caller) throw new ProxyRejection('ERR_GATEWAY_KEY', 'The X-Tokenwarden-Key header is missing or wrong.');
      this.#assertUnlocked();
      return { ...routeGateway(url, this.#backend), caller };
    }
    const auth = parseProxyAuthorization(scan.proxyAuthorization);
    const caller = this.keys.identify(auth?.key);
    if (!caller) throw new ProxyRejection('ERR_PROXY_AUTH', 'Proxy-Authorization must be Basic NAME:KEY with the proxy key or an access key.');
    this.#assertUnlocked();
    return { ...routeForward(url, host, auth!.name, this.#backend), caller };
  }

  #spendsUses(route: Routed): boolean {
    return this.#backend.access.spendsUses(route.caller, route.credential);
  }

  #assertUnlocked(): void {
    if (this.#backend.isLocked()) throw new ProxyRejection('ERR_LOCKED', 'The vault is locked. Unlock it first.');
  }

  async #forward(req: IncomingMessage, res: ServerResponse, scan: HeaderScan, route: Routed, started: number): Promise<number> {
    const credential = route.credential;
    const policy = credential.authPolicy;
    if (scan.authorizationCount > 0) {
      if (policy === 'reject') {
        throw new ProxyRejection('ERR_AUTH_POLICY', `Credential "${credential.name}" refuses requests that carry their own Authorization header.`);
      }
      if (scan.authorizationCount > 1) throw new ProxyRejection('ERR_BAD_REQUEST', 'Several Authorization headers were sent.', { close: true });
    }
    // Most proxied requests carry no body: skip the async body step (one promise and one hop per request).
    const { body, replayable } = scan.transferEncoding === undefined && (scan.contentLength === undefined || scan.contentLength === '0') ? NO_BODY : await this.#body(req, scan);
    const ours = !(policy === 'passthrough' && scan.authorization !== undefined);
    const authorization = ours ? `Bearer ${await this.#backend.accessToken(credential.name)}` : scan.authorization;
    return forward(
      this.#upstreams,
      {
        origin: route.origin,
        upstreamCa: credential.upstreamCa,
        method: req.method ?? 'GET',
        path: route.path,
        headers: scan.out,
        authorization,
        body,
        // A static token cannot change: retrying a 401 with it would only send the request twice (R4). A request that
        // spent a use (a one-time key, a credential's maxUses) was admitted for one upstream call, not two (A2).
        refresh: ours && replayable && credential.kind !== 'static' && !this.#spendsUses(route) ? () => this.#backend.accessToken(credential.name, { force: true, reason: 'upstream-401' }) : undefined,
        onEnd: (status, bytes) => this.#backend.recordUsage(usageEventOf({ req, route, scan, tunnel: undefined, status, bytes, started, code: undefined, key: callerKey(route.caller) })),
      },
      res,
    );
  }

  /** Small bodies with a Content-Length are buffered (replayable); chunked or large ones stream (never retried). */
  async #body(req: IncomingMessage, scan: HeaderScan): Promise<{ body: Buffer | Readable | null; replayable: boolean }> {
    if (scan.transferEncoding !== undefined) return { body: limitBody(req, this.#maxBody), replayable: false };
    if (scan.contentLength === undefined) return { body: null, replayable: true };
    const length = Number(scan.contentLength);
    if (length > this.#maxBody) throw new ProxyRejection('ERR_TOO_LARGE', `The request body is larger than ${this.#maxBody} bytes.`, { close: true });
    if (length === 0) return { body: null, replayable: true };
    if (length > REPLAY_BUFFER_LIMIT) return { body: req, replayable: false };
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return { body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks), replayable: true };
  }
}

/** A chunked upload passes through a byte counter so the body limit (P10) holds without buffering. */
function limitBody(req: IncomingMessage, max: number): Readable {
  let total = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      total += chunk.length;
      if (total > max) done(new ProxyRejection('ERR_TOO_LARGE', `The request body is larger than ${max} bytes.`, { close: true }));
      else done(null, chunk);
    },
  });
  req.on('error', (err) => counter.destroy(err));
  return req.pipe(counter);
}
