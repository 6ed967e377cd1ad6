/** The token set of a pasted (static) token, read from the token itself: used by `add` and by `rotate`. */
import type { TokenSet } from './credential-record.ts';
import { inspectJwt } from './jwt-inspect.ts';

/**
 * A pasted JWT's own `exp` and scopes are the best we know; `expiresInSeconds` wins because the user said so.
 * Rotating re-reads them too: keeping the old expiry would let an expired replacement be forwarded.
 */
export function staticTokenSet(token: string, now: Date, expiresInSeconds?: number): TokenSet {
  const jwt = inspectJwt(token);
  const expiresAt = expiresInSeconds ? new Date(now.getTime() + expiresInSeconds * 1000).toISOString() : (jwt?.expiresAt ?? undefined);
  return {
    accessToken: token,
    tokenType: 'Bearer',
    receivedAt: now.toISOString(),
    scopes: jwt?.scopes ?? [],
    ...(expiresAt ? { expiresAt } : {}),
  };
}
