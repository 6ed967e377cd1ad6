/** CONNECT: TLS interception for bound hosts (leaf from our CA), a blind tunnel or 403 (strict) for the rest (P11). */
import type { IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import type { ProxyBackend } from './backend.ts';
import type { CertificateAuthority } from './certificate-authority.ts';
import { parseProxyAuthorization, scanRequestHeaders, normalizeAuthority, type KeyVerifier } from './guards.ts';
import { ProxyRejection, toErrorAnswer, writeRawError } from './proxy-error.ts';
import type { TunnelContext } from './request-pipeline.ts';
import { callerKey, connectRefusal } from './usage-event.ts';
import { assertTransport, credentialFor } from './router.ts';

export interface ConnectOptions {
  backend: ProxyBackend;
  ca: CertificateAuthority;
  keys: KeyVerifier;
  strict: boolean;
  upstreamTimeoutMs: number;
  /** Hands a decrypted tunnel to the HTTP server, which runs the normal pipeline with this context. */
  adopt: (socket: TLSSocket | Socket, tunnel: TunnelContext) => void;
  /** Open blind tunnels, destroyed when the proxy closes. */
  sockets: Set<Socket>;
  log: ((line: string) => void) | undefined;
}

const ESTABLISHED = 'HTTP/1.1 200 Connection Established\r\n\r\n';
const PROXY_AUTHENTICATE = 'proxy-authenticate: Basic realm="tokenwarden"\r\n';

export async function handleConnect(options: ConnectOptions, req: IncomingMessage, socket: Socket, head: Buffer): Promise<void> {
  socket.on('error', () => socket.destroy());
  const started = performance.now();
  let key: string | undefined;
  let unbound = false;
  try {
    const scan = scanRequestHeaders(withConnectHost(req));
    const target = parseTarget(req.url ?? '');
    if (normalizeAuthority(scan.host!, 'https') !== target.authority) {
      throw new ProxyRejection('ERR_BAD_HOST', 'The Host header must equal the CONNECT target.');
    }
    const auth = parseProxyAuthorization(scan.proxyAuthorization);
    // P1: the key first; only a caller with a right key learns that the vault is locked.
    const caller = options.keys.identify(auth?.key);
    if (!caller) throw new ProxyRejection('ERR_PROXY_AUTH', 'Proxy-Authorization must be Basic NAME:KEY with the proxy key or an access key.');
    key = callerKey(caller);
    if (options.backend.isLocked()) throw new ProxyRejection('ERR_LOCKED', 'The vault is locked. Unlock it first.');
    // The client must wait for our 200 before speaking TLS; early bytes would bypass the TLS layer.
    if (head.length > 0) throw new ProxyRejection('ERR_BAD_REQUEST', 'Data was sent before the tunnel was established.');
    const credential = credentialFor(options.backend, auth!.name, target.origin);
    // Node's fetch (undici's EnvHttpProxyAgent) tunnels plain-http targets through CONNECT too; a bound
    // http origin is then served unencrypted inside the tunnel, with the same pipeline and checks.
    const plain = credential ? undefined : credentialFor(options.backend, auth!.name, target.httpOrigin);
    if (plain) {
      // A3/A6: the plain tunnel is scoped like the TLS one; P5: a remote http origin never gets the token.
      options.backend.access.checkScope(caller, plain.name);
      assertTransport(plain, target.httpOrigin);
      socket.write(ESTABLISHED);
      options.adopt(socket, { credential: plain, origin: target.httpOrigin, authority: target.httpAuthority, caller });
      return;
    }
    if (!credential) {
      unbound = options.strict;
      if (options.strict) throw new ProxyRejection('ERR_FORBIDDEN', `${target.authority} is not bound to a credential and the proxy is strict.`);
      blindTunnel(options, socket, target);
      return;
    }
    // A key that does not cover this credential gets no interception at all.
    options.backend.access.checkScope(caller, credential.name);
    const context = await options.ca.secureContext(target.hostname);
    if (socket.destroyed) return;
    socket.write(ESTABLISHED);
    const tls = new TLSSocket(socket, { isServer: true, secureContext: context, ALPNProtocols: ['http/1.1'] });
    tls.on('error', () => tls.destroy());
    options.adopt(tls, { credential, origin: target.origin, authority: target.authority, caller });
  } catch (err) {
    const answer = toErrorAnswer(err);
    options.log?.(`proxy connect -> ${answer.status} ${answer.code}`);
    writeRawError(socket, answer, answer.code === 'ERR_PROXY_AUTH' ? PROXY_AUTHENTICATE : '');
    options.backend.recordUsage(connectRefusal(req, answer, started, key, unbound, (name) => options.backend.credential(name) !== undefined));
  }
}

/**
 * HTTP/1.0 has no Host header, and Python's http.client up to 3.11 sends `CONNECT host:port HTTP/1.0`
 * without one; the CONNECT target is then the authority. HTTP/1.1 must still send exactly one Host.
 */
function withConnectHost(req: IncomingMessage): string[] {
  const raw = req.rawHeaders;
  if (req.httpVersion !== '1.0' || raw.some((v, i) => i % 2 === 0 && v.toLowerCase() === 'host')) return raw;
  return [...raw, 'Host', req.url ?? ''];
}

interface ConnectTarget {
  hostname: string;
  port: number;
  /** host[:port] without the default port, lower-case. */
  authority: string;
  origin: string;
  /** The same target read as plain http, for clients that tunnel http:// requests. */
  httpOrigin: string;
  httpAuthority: string;
}

function parseTarget(value: string): ConnectTarget {
  // authority-form only: host:port, with an explicit port (RFC 9110 §9.3.6).
  if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):\d{1,5}$/.test(value)) {
    throw new ProxyRejection('ERR_BAD_REQUEST', 'CONNECT needs a host:port target.', { close: true });
  }
  let url: URL;
  try {
    url = new URL(`https://${value}`);
  } catch {
    throw new ProxyRejection('ERR_BAD_REQUEST', 'CONNECT needs a host:port target.', { close: true });
  }
  const http = new URL(`http://${value}`);
  return { hostname: url.hostname, port: url.port ? Number(url.port) : 443, authority: url.host, origin: url.origin, httpOrigin: http.origin, httpAuthority: http.host };
}

/** Unbound hosts: bytes are relayed untouched, with no interception and no token. */
function blindTunnel(options: ConnectOptions, socket: Socket, target: ConnectTarget): void {
  const upstream = netConnect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: target.port });
  let established = false;
  options.sockets.add(upstream);
  upstream.setTimeout(options.upstreamTimeoutMs, () => {
    if (!established) upstream.destroy(new ProxyRejection('ERR_UPSTREAM_TIMEOUT', `${target.authority} did not answer in time.`));
  });
  upstream.once('connect', () => {
    established = true;
    upstream.setTimeout(0);
    socket.write(ESTABLISHED);
    socket.pipe(upstream);
    upstream.pipe(socket);
  });
  upstream.on('error', (err) => {
    if (established) {
      socket.destroy();
      return;
    }
    const rejection = err instanceof ProxyRejection ? err : new ProxyRejection('ERR_UPSTREAM', `${target.authority} could not be reached.`);
    writeRawError(socket, toErrorAnswer(rejection));
  });
  upstream.on('close', () => {
    options.sockets.delete(upstream);
    if (established) socket.destroy();
  });
  socket.on('close', () => upstream.destroy());
}
