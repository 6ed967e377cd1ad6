/** Routing: gateway path, absolute-form target or CONNECT authority -> one credential and one exact origin (P5). */
import { isLoopbackHostname, parseOrigin } from '../../../shared/origin.ts';
import type { ProxyBackend, ProxyCredential } from './backend.ts';
import { normalizeAuthority } from './guards.ts';
import { ProxyRejection } from './proxy-error.ts';

export type ProxyMode = 'gateway' | 'forward' | 'connect';

export interface Route {
  mode: ProxyMode;
  credential: ProxyCredential;
  origin: string;
  /** Origin-form path with the query, as sent upstream. */
  path: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `/<name>/<path>?<query>` -> the credential's first bound origin + `/<path>?<query>`. */
export function routeGateway(url: string, backend: ProxyBackend): Route {
  let end = 1;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 0x2f /* / */ || c === 0x3f /* ? */) break;
    end++;
  }
  const name = decodeName(url.slice(1, end));
  const credential = backend.credential(name);
  if (!credential) throw new ProxyRejection('ERR_NOT_FOUND', `No credential is named "${name}".`);
  const origin = credential.hosts[0];
  if (!origin) throw new ProxyRejection('ERR_HOST_NOT_BOUND', `Credential "${name}" has no bound origin.`);
  assertTransport(credential, origin);
  const rest = url.slice(end);
  const path = rest.length === 0 ? '/' : rest.charCodeAt(0) === 0x3f ? `/${rest}` : rest;
  return { mode: 'gateway', credential, origin, path };
}

function decodeName(raw: string): string {
  if (!NAME.test(raw)) throw new ProxyRejection('ERR_NOT_FOUND', 'The gateway path must start with /<credential name>/.');
  return raw;
}

/** Absolute-form `http://host[:port]/path`: Host must equal the target authority (P2) and the origin must be bound (P5). */
export function routeForward(url: string, host: string, name: string, backend: ProxyBackend): Route {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new ProxyRejection('ERR_BAD_REQUEST', 'The request target is not a valid URL.', { close: true });
  }
  if (target.protocol !== 'http:') {
    throw new ProxyRejection('ERR_BAD_REQUEST', 'Only http:// targets are accepted in absolute form; use CONNECT for https.');
  }
  if (target.username || target.password) throw new ProxyRejection('ERR_BAD_REQUEST', 'The request target must not carry credentials.');
  if (normalizeAuthority(host, 'http') !== target.host) {
    throw new ProxyRejection('ERR_BAD_HOST', 'The Host header must equal the target authority.');
  }
  const origin = target.origin;
  const credential = credentialFor(backend, name, origin);
  if (!credential) throw new ProxyRejection('ERR_HOST_NOT_BOUND', `${origin} is not bound to ${name ? `credential "${name}"` : 'any credential'}.`);
  assertTransport(credential, origin);
  const start = url.indexOf('/', url.indexOf('//') + 2);
  const path = start < 0 ? '/' : url.slice(start);
  return { mode: 'forward', credential, origin, path };
}

/**
 * The credential for an exact origin: the named one if it is bound there, else the only one bound there.
 * Undefined means unbound. Several matches without a name is ERR_AMBIGUOUS.
 */
export function credentialFor(backend: ProxyBackend, name: string, origin: string): ProxyCredential | undefined {
  if (name) {
    const credential = backend.credential(name);
    return credential && credential.hosts.includes(origin) ? credential : undefined;
  }
  const bound = backend.credentialsForOrigin(origin);
  if (bound.length > 1) {
    throw new ProxyRejection('ERR_AMBIGUOUS', `Several credentials are bound to ${origin}; put the name in the proxy URL (http://NAME:KEY@...).`);
  }
  return bound[0];
}

/** Plain-http origins already found to be loopback; the flag is re-read on every call, so in-place edits stay safe. */
const acceptedHttp = new WeakMap<ProxyCredential, Set<string>>();

/** P5: https upstreams only, except loopback http for credentials that explicitly allow it. */
export function assertTransport(credential: ProxyCredential, origin: string): void {
  if (origin.startsWith('https://')) return;
  if (credential.allowInsecureLoopback && acceptedHttp.get(credential)?.has(origin)) return;
  const parsed = parseOrigin(origin);
  if (parsed && parsed.scheme === 'http' && credential.allowInsecureLoopback && isLoopbackHostname(parsed.hostname)) {
    let accepted = acceptedHttp.get(credential);
    if (!accepted) acceptedHttp.set(credential, (accepted = new Set()));
    accepted.add(origin);
    return;
  }
  throw new ProxyRejection('ERR_HOST_NOT_BOUND', `Credential "${credential.name}" is never sent over plain http to ${origin}.`);
}
