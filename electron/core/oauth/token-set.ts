/** Turns a token endpoint response into the vault's TokenSet, timing expiry from local receipt (SECURITY O6, O7). */
import type { TokenSet } from '../credentials/credential-record.ts';
import { TokenwardenError } from '../base/errors.ts';

export interface TokenResponseLike {
  access_token: string;
  token_type?: string;
  expires_in?: number;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
}

/**
 * A lifetime below this (including expires_in <= 0) is no usable lifetime: it is raised to this, so the
 * token is refreshed every few seconds at worst instead of on every request and every timer tick (F8).
 */
export const MIN_LIFETIME_SECONDS = 10;

/**
 * expiresAt is receipt time + expires_in, never the JWT `exp`, so a skewed IdP clock cannot matter.
 * A response without a refresh token keeps the previous one (O7).
 */
export function tokenSetFrom(response: TokenResponseLike, receivedAt: number, previous?: TokenSet, fallbackScope?: string): TokenSet {
  if (typeof response.access_token !== 'string' || response.access_token.length === 0) {
    throw new TokenwardenError('ERR_IDP', 'The identity provider returned no access token.');
  }
  const given = typeof response.expires_in === 'number' && Number.isFinite(response.expires_in) ? response.expires_in : undefined;
  // Persisted anyway: rejecting a refresh response would lose a refresh token the IdP already rotated (O7).
  const expiresIn = given === undefined ? undefined : Math.max(MIN_LIFETIME_SECONDS, given);
  const scope = response.scope ?? fallbackScope;
  const refreshToken = response.refresh_token ?? previous?.refreshToken;
  const idToken = response.id_token ?? previous?.idToken;
  return {
    accessToken: response.access_token,
    ...(refreshToken ? { refreshToken } : {}),
    ...(idToken ? { idToken } : {}),
    tokenType: response.token_type ?? 'Bearer',
    ...(expiresIn !== undefined ? { expiresAt: new Date(receivedAt + expiresIn * 1000).toISOString() } : {}),
    receivedAt: new Date(receivedAt).toISOString(),
    scopes: scope ? scope.split(' ').filter(Boolean) : (previous?.scopes ?? []),
  };
}
