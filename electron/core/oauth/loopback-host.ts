/** Whether a URL points at the loopback interface (127.0.0.0/8 or ::1), by IP literal or `localhost`. */
import { isIP } from 'node:net';

export function isLoopbackHostname(hostname: string): boolean {
  const host = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.split('.')[0] === '127';
  if (isIP(host) === 6) return host === '::1' || host === '0:0:0:0:0:0:0:1';
  return false;
}

/** https always; http only when insecure loopback is allowed and the host is loopback. */
export function isAllowedEndpoint(url: string, allowInsecureLoopback: boolean): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'https:') return true;
  return parsed.protocol === 'http:' && allowInsecureLoopback && isLoopbackHostname(parsed.hostname);
}
