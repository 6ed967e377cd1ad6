/** When a token set counts as expiring or expired (SECURITY O6) and the status a record shows. */
import type { CredentialStatus } from '../../../shared/model.ts';
import type { CredentialRecord, TokenSet } from '../credentials/credential-record.ts';

/** Refresh this close to expiry at most: a 1-hour token is refreshed 60 s early. */
export const MAX_REFRESH_MARGIN_MS = 60_000;
/** ...and at least this share of the lifetime: a 10-second token is refreshed 2 s early. */
export const REFRESH_LIFETIME_SHARE = 0.2;

/** A proxy 401 retry within this long of the previous one reuses the current token instead of calling the IdP (R5). */
export const FORCED_REFRESH_WINDOW_MS = 30_000;

export interface EnsureFreshOptions {
  /** Refresh now even when the token is not due: the user asked (`tokenwarden refresh`, rotate). */
  force?: boolean;
  /**
   * Why a forced refresh is wanted. 'upstream-401' comes from the proxy, not the user: it honours backoff,
   * and at most one per credential per FORCED_REFRESH_WINDOW_MS reaches the IdP, so an API that always
   * answers 401 cannot turn every request into a token call (R5, R3).
   */
  reason?: 'upstream-401';
}

export function expiresAtMs(tokens: TokenSet): number | undefined {
  return tokens.expiresAt === undefined ? undefined : Date.parse(tokens.expiresAt);
}

/** The instant from which a refresh is due: expiry minus min(60 s, 20% of the lifetime). */
export function refreshDueAt(tokens: TokenSet): number | undefined {
  const expiry = expiresAtMs(tokens);
  if (expiry === undefined) return undefined;
  const lifetime = Math.max(0, expiry - Date.parse(tokens.receivedAt));
  return expiry - Math.min(MAX_REFRESH_MARGIN_MS, REFRESH_LIFETIME_SHARE * lifetime);
}

export function isExpired(tokens: TokenSet, now: number): boolean {
  const expiry = expiresAtMs(tokens);
  return expiry !== undefined && now >= expiry;
}

export function isRefreshDue(tokens: TokenSet, now: number): boolean {
  const due = refreshDueAt(tokens);
  return due !== undefined && now >= due;
}

/**
 * A static token cannot refresh itself, so the user is warned this long before it expires;
 * its receipt time says nothing about its lifetime (it may have been pasted minutes before expiry).
 */
export const STATIC_WARNING_MS = 10 * 60_000;

/** The status a summary shows; the record state wins over the clock. */
export function statusOf(record: CredentialRecord, now: number): CredentialStatus {
  if (record.state === 'revoked') return 'revoked';
  if (record.state === 'needs-login') return 'needs-login';
  const tokens = record.tokens;
  if (!tokens) return record.kind === 'oauth' ? 'needs-login' : 'expired';
  if (isExpired(tokens, now)) return record.state === 'refresh-failed' ? 'refresh-failed' : 'expired';
  if (isRefreshDue(tokens, now)) return 'expiring';
  const expiry = expiresAtMs(tokens);
  if (!canRefreshItself(record) && expiry !== undefined && expiry - now < STATIC_WARNING_MS) return 'expiring';
  return 'valid';
}

/**
 * Static tokens never refresh; OAuth tokens without a refresh token refresh only by client credentials; exec
 * re-runs its command. The rest are shown `expiring` (amber) 10 minutes ahead and raise `expiring-soon`.
 */
export function canRefreshItself(record: CredentialRecord): boolean {
  if (record.kind === 'static') return false;
  if (record.kind === 'exec') return true;
  return Boolean(record.tokens?.refreshToken) || record.oauth?.grant === 'client-credentials';
}
