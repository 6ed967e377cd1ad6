/** Classifies what openid-client throws into the three outcomes the engine acts on, without leaking secrets. */
import * as client from 'openid-client';
import { TokenwardenError } from '../errors.ts';
import { retryAfterMs } from '../lifecycle/backoff.ts';

export type OAuthFailure =
  /** The grant is dead (RFC 6749 §5.2): re-read the store once, then ask for a login. */
  | { kind: 'invalid-grant'; oauthError: string }
  /** Network, timeout, 429 or 5xx: keep the tokens and back off (R5, R6). */
  | { kind: 'transient'; detail: string; retryAfterMs?: number }
  /** Anything else the IdP refused: not worth retrying until the configuration changes. */
  | { kind: 'refused'; oauthError: string; detail: string };

function responseOf(err: unknown): Response | undefined {
  if (err instanceof client.ResponseBodyError) return err.response;
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Response ? cause : undefined;
}

export function classifyOAuthError(err: unknown, now: number): OAuthFailure {
  if (err instanceof TokenwardenError) {
    return err.code === 'ERR_TIMEOUT' || err.code === 'ERR_IDP'
      ? { kind: 'transient', detail: err.message }
      : { kind: 'refused', oauthError: err.code, detail: err.message };
  }
  const response = responseOf(err);
  const status = err instanceof client.ResponseBodyError ? err.status : response?.status;
  const retryAfter = retryAfterMs(response?.headers.get('retry-after'), now);
  if (err instanceof client.ResponseBodyError) {
    if (err.error === 'invalid_grant') return { kind: 'invalid-grant', oauthError: err.error };
    if (err.status >= 500 || err.status === 429 || err.error === 'temporarily_unavailable') {
      return { kind: 'transient', detail: `identity provider answered ${err.status} ${err.error}`, retryAfterMs: retryAfter };
    }
    return { kind: 'refused', oauthError: err.error, detail: `identity provider refused: ${err.error}` };
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return { kind: 'transient', detail: `identity provider answered ${status}`, retryAfterMs: retryAfter };
  }
  if (status !== undefined) return { kind: 'refused', oauthError: `http_${status}`, detail: `identity provider answered ${status}` };
  const name = (err as { name?: string } | undefined)?.name ?? 'Error';
  const code = (err as { code?: unknown } | undefined)?.code;
  if (name === 'TimeoutError' || name === 'AbortError' || name === 'TypeError' || code === 'OAUTH_TIMEOUT') {
    return { kind: 'transient', detail: 'identity provider unreachable' };
  }
  // openid-client ClientError/OperationProcessingError messages describe protocol checks, never token values.
  const message = err instanceof Error ? err.message : 'unknown error';
  if (err instanceof client.ClientError && (code === 'OAUTH_RESPONSE_IS_NOT_CONFORM' || code === 'OAUTH_RESPONSE_IS_NOT_JSON')) {
    return { kind: 'transient', detail: `identity provider response not usable: ${message}` };
  }
  return { kind: 'refused', oauthError: typeof code === 'string' ? code : name, detail: message };
}

/** The error a caller sees for a failure that ends an interactive or one-shot operation. */
export function toIdpError(err: unknown, now: number, action: string): TokenwardenError {
  if (err instanceof TokenwardenError) return err;
  const failure = classifyOAuthError(err, now);
  const detail = failure.kind === 'invalid-grant' ? 'invalid_grant' : failure.detail;
  return new TokenwardenError('ERR_IDP', `${action} failed: ${detail}`, { cause: err });
}
