/** A credential's loopback redirect URI (RFC 8252): one callback path per issuer, and what to register at the IdP. */
import { createHash } from 'node:crypto';

/** Each issuer gets its own path, so a code from IdP A arriving at B's callback is refused (mix-up, O3). */
export function callbackPathFor(issuer: string): string {
  return `/callback/${createHash('sha256').update(issuer).digest('base64url').slice(0, 16)}`;
}

/**
 * What to register at the IdP: the loopback IP literal and the stable path, with no port. RFC 8252 §7.3 has
 * IdPs accept any port on a loopback redirect, so only the port differs from one login to the next.
 */
export function registrableRedirectUri(issuer: string): string {
  return `http://127.0.0.1${callbackPathFor(issuer)}`;
}
