/** Exact-origin parsing: a credential is bound to scheme + host + port, never to a path or a suffix (SECURITY P5). */
import { MESSAGES } from './human-messages.ts';

export interface ParsedOrigin {
  /** Canonical form, e.g. `https://api.github.com` or `http://127.0.0.1:8080`. */
  origin: string;
  scheme: 'http' | 'https';
  hostname: string;
  port: number;
}

const DEFAULT_PORTS = { http: 80, https: 443 } as const;

/** Returns the canonical origin, or null when the input is not exactly an http(s) origin. */
export function parseOrigin(input: string): ParsedOrigin | null {
  if (typeof input !== 'string' || input.length > 2048 || /[\s\0]/.test(input)) return null;
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return null;
  }
  const scheme = url.protocol === 'https:' ? 'https' : url.protocol === 'http:' ? 'http' : null;
  if (!scheme || !url.hostname) return null;
  if (url.username || url.password || url.search || url.hash) return null;
  // Only a bare origin, optionally with one trailing slash, is accepted: `https://x/path` is refused.
  if (url.pathname !== '/' || /^[a-z]+:\/\/[^/]+\/.+/i.test(input)) return null;
  const port = url.port ? Number(url.port) : DEFAULT_PORTS[scheme];
  return { origin: url.origin, scheme, hostname: url.hostname, port };
}

/** True for 127.0.0.0/8, ::1 and `localhost`: the only hosts that may be bound over plain http. */
export function isLoopbackHostname(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Why an issuer may not be used with this consent, or undefined when it may: the hosts' rule (https, or plain
 * http to a loopback IdP with --allow-insecure-loopback). An unparsable URL is left to the URL check.
 */
export function issuerTransportProblem(issuer: string, allowInsecureLoopback: boolean): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return undefined;
  }
  if (url.protocol === 'https:') return undefined;
  if (url.protocol !== 'http:') return MESSAGES.issuerNotUrl;
  if (!isLoopbackHostname(url.hostname)) return MESSAGES.plainHttpIssuerRemote(issuer);
  return allowInsecureLoopback ? undefined : MESSAGES.plainHttpIssuerLoopback(issuer);
}
