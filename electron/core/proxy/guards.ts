/** Request guards P1-P4 and P9: loopback peers, Host allow-list, proxy key, browser headers and framing. */
import { clientNameLabel } from '../../../shared/visible-text.ts';
import { ProxyRejection } from './proxy-error.ts';

/** P1: the listener is bound to loopback, and every accepted peer is checked again. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  return address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.');
}

/** P2: the exact Host values accepted for origin-form (gateway) requests. */
export function gatewayHosts(port: number): Set<string> {
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/**
 * Lower-cased host[:port] with the default port removed, or undefined when the value is not an authority.
 * Used to compare a Host header with an absolute-form or CONNECT target (P2).
 */
export function normalizeAuthority(value: string, scheme: 'http' | 'https'): string | undefined {
  if (!value || /[\s/?#@\\]/.test(value)) return undefined;
  try {
    const url = new URL(`${scheme}://${value}`);
    return url.host;
  } catch {
    return undefined;
  }
}

export { KeyVerifier } from './key-verifier.ts';

/** `Proxy-Authorization: Basic base64(NAME:KEY)` -> { name, key }; undefined when absent or malformed. */
export function parseProxyAuthorization(value: string | undefined): { name: string; key: string } | undefined {
  if (!value) return undefined;
  const match = /^basic +([A-Za-z0-9+/=_-]+) *$/i.exec(value);
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { name: decoded.slice(0, colon), key: decoded.slice(colon + 1) };
}

/** Headers never forwarded upstream (P8 hop-by-hop, P3 key, and headers undici sets itself). */
const DROPPED_REQUEST_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authorization', 'proxy-authenticate', 'host', 'x-tokenwarden-key', 'expect', 'http2-settings',
  'x-tokenwarden-client',
]);

/** One pass over rawHeaders: what the guards need plus the forwardable headers, without re-parsing. */
export interface HeaderScan {
  /** Forwardable headers as a flat [name, value, ...] list, without Authorization. */
  out: string[];
  host: string | undefined;
  authorization: string | undefined;
  authorizationCount: number;
  gatewayKey: string | undefined;
  proxyAuthorization: string | undefined;
  transferEncoding: string | undefined;
  contentLength: string | undefined;
  upgrade: boolean;
  /** X-Tokenwarden-Client, for the audit log only: never trusted for authorization, never forwarded. */
  client?: string;
}

/** Scans and applies P4, P8 and the P9 checks Node's parser leaves to us. Throws ProxyRejection. */
export function scanRequestHeaders(raw: string[]): HeaderScan {
  const out: string[] = [];
  let host: string | undefined;
  let hostCount = 0;
  let authorization: string | undefined;
  let authorizationCount = 0;
  let gatewayKey: string | undefined;
  let proxyAuthorization: string | undefined;
  let transferEncoding: string | undefined;
  let contentLength: string | undefined;
  let connection: string | undefined;
  let upgrade = false;
  let client: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    switch (name) {
      case 'host':
        host = value;
        hostCount++;
        continue;
      case 'authorization':
        authorization = value;
        authorizationCount++;
        continue;
      case 'x-tokenwarden-key':
        if (gatewayKey !== undefined) throw new ProxyRejection('ERR_BAD_REQUEST', 'Duplicate X-Tokenwarden-Key header.', { close: true });
        gatewayKey = value;
        continue;
      case 'proxy-authorization':
        if (proxyAuthorization !== undefined) throw new ProxyRejection('ERR_BAD_REQUEST', 'Duplicate Proxy-Authorization header.', { close: true });
        proxyAuthorization = value;
        continue;
      case 'transfer-encoding':
        transferEncoding = transferEncoding === undefined ? value : `${transferEncoding}, ${value}`;
        continue;
      case 'content-length':
        contentLength = value;
        break;
      case 'connection':
        connection = connection === undefined ? value : `${connection}, ${value}`;
        continue;
      case 'upgrade':
        upgrade = true;
        continue;
      case 'x-tokenwarden-client':
        client = clientNameLabel(value, 128);
        continue;
      case 'origin':
        throw new ProxyRejection('ERR_FORBIDDEN', 'Requests from web pages (Origin header) are refused.');
      case 'x-forwarded-for':
        throw new ProxyRejection('ERR_FORBIDDEN', 'Requests carrying X-Forwarded-For are refused.');
      case 'sec-fetch-site':
        if (value.trim().toLowerCase() !== 'none') throw new ProxyRejection('ERR_FORBIDDEN', 'Cross-site browser requests are refused.');
        break;
      default:
        if (DROPPED_REQUEST_HEADERS.has(name)) continue;
    }
    out.push(raw[i]!, value);
  }
  if (hostCount !== 1) throw new ProxyRejection('ERR_BAD_REQUEST', 'Exactly one Host header is required.', { close: true });
  if (transferEncoding !== undefined && transferEncoding.trim().toLowerCase() !== 'chunked') {
    throw new ProxyRejection('ERR_BAD_REQUEST', 'Only the chunked transfer coding is accepted.', { close: true });
  }
  if (connection !== undefined) {
    const named = connectionTokens(connection);
    if (named.size > 0) {
      if (named.has('authorization')) {
        authorization = undefined;
        authorizationCount = 0;
      }
      return { out: filterNamed(out, named), host, authorization, authorizationCount, gatewayKey, proxyAuthorization, transferEncoding, contentLength, upgrade, client };
    }
  }
  return { out, host, authorization, authorizationCount, gatewayKey, proxyAuthorization, transferEncoding, contentLength, upgrade, client };
}

/** Header names listed in Connection (P8), except the two that are only options. */
export function connectionTokens(value: string): Set<string> {
  const named = new Set<string>();
  for (const token of value.split(',')) {
    const name = token.trim().toLowerCase();
    if (name && name !== 'close' && name !== 'keep-alive') named.add(name);
  }
  return named;
}

function filterNamed(flat: string[], named: Set<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < flat.length; i += 2) {
    if (!named.has(flat[i]!.toLowerCase())) kept.push(flat[i]!, flat[i + 1]!);
  }
  return kept;
}
