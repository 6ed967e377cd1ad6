/** RFC 7009 revocation that reports honestly what the IdP confirmed (SECURITY O11). */
import * as client from 'openid-client';
import type { RevokeOutcome } from '../../../shared/model.ts';
import { retryAfterMs } from './retry-after.ts';

export interface RevokeTokensInput {
  config: client.Configuration;
  refreshToken?: string;
  accessToken?: string;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
  /** Longest Retry-After we wait for on 503; longer means "not confirmed". */
  maxRetryAfterMs?: number;
}

type TokenOutcome = 'confirmed' | 'not-confirmed' | 'unsupported';

async function revokeOne(input: RevokeTokensInput, token: string, hint: string): Promise<{ outcome: TokenOutcome; why: string }> {
  const maxWait = input.maxRetryAfterMs ?? 30_000;
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      // oauth4webapi sends the token in the POST body, never in the URL.
      await client.tokenRevocation(input.config, token, { token_type_hint: hint });
      return { outcome: 'confirmed', why: `${hint} revoked` };
    } catch (err) {
      if (err instanceof client.ResponseBodyError && err.error === 'unsupported_token_type') {
        return { outcome: 'unsupported', why: `the identity provider does not revoke ${hint}s` };
      }
      const response = err instanceof client.ResponseBodyError ? err.response : (err as { cause?: unknown }).cause;
      const status = err instanceof client.ResponseBodyError ? err.status : response instanceof Response ? response.status : undefined;
      if (status === 503 && attempt === 0 && response instanceof Response) {
        const wait = retryAfterMs(response.headers.get('retry-after'), input.now());
        if (wait !== undefined && wait <= maxWait) {
          await input.sleep(wait);
          continue;
        }
      }
      const why = status !== undefined ? `the identity provider answered ${status}` : 'the identity provider could not be reached';
      return { outcome: 'not-confirmed', why: `${hint}: ${why}` };
    }
  }
  return { outcome: 'not-confirmed', why: `${hint}: the identity provider stayed unavailable` };
}

/** Refresh token first (it kills the grant), then the access token. */
export async function revokeTokens(input: RevokeTokensInput): Promise<{ outcome: RevokeOutcome; detail: string }> {
  if (!input.config.serverMetadata().revocation_endpoint) {
    return { outcome: 'unsupported', detail: 'The identity provider has no revocation endpoint, so the tokens stay valid there until they expire.' };
  }
  const results: Array<{ outcome: TokenOutcome; why: string }> = [];
  if (input.refreshToken) results.push(await revokeOne(input, input.refreshToken, 'refresh_token'));
  if (input.accessToken) results.push(await revokeOne(input, input.accessToken, 'access_token'));
  if (results.length === 0) return { outcome: 'confirmed', detail: 'There were no tokens to revoke.' };
  const reasons = results.filter((r) => r.outcome !== 'confirmed').map((r) => r.why);
  if (results.some((r) => r.outcome === 'not-confirmed')) {
    return { outcome: 'not-confirmed', detail: `Revocation not confirmed (${reasons.join('; ')}); the tokens may stay valid at the identity provider until they expire.` };
  }
  if (results.some((r) => r.outcome === 'unsupported')) {
    return { outcome: 'unsupported', detail: `Revocation partly unsupported (${reasons.join('; ')}).` };
  }
  return { outcome: 'confirmed', detail: 'The identity provider confirmed the revocation.' };
}
