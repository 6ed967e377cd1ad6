/**
 * Classifies what openid-client throws into the three outcomes the engine acts on, and words each one in the
 * identity provider's own terms (its `error` code and `error_description`), without leaking secrets.
 */
import * as client from 'openid-client';
import { visible } from '../../../shared/visible-text.ts';
import { TokenwardenError } from '../base/errors.ts';
import { retryAfterMs } from './retry-after.ts';

export type OAuthFailure =
  /** The grant is dead (RFC 6749 §5.2): re-read the store once, then ask for a login. */
  | { kind: 'invalid-grant'; oauthError: string }
  /** Network, timeout, 429 or 5xx: keep the tokens and back off (R5, R6). */
  | { kind: 'transient'; detail: string; retryAfterMs?: number }
  /** Anything else the IdP refused: not worth retrying until the configuration changes. */
  | { kind: 'refused'; oauthError: string; detail: string };

/** An OAuth error the IdP stated, from a JSON body (RFC 6749 §5.2), a WWW-Authenticate challenge or a redirect. */
interface IdpStatement {
  status: number | undefined;
  error: string;
  description: string | undefined;
  response: Response | undefined;
}

/** What the user can do about each RFC 6749 / RFC 8628 / RFC 8707 error code. */
const HINTS: Readonly<Record<string, string>> = {
  invalid_client: 'check the client id and client secret registered at the identity provider',
  unauthorized_client: 'the identity provider does not allow this client this grant; check the grant types registered for it',
  unsupported_grant_type: 'the identity provider does not support this grant',
  invalid_scope: 'check the scope against the scopes the identity provider allows this client',
  invalid_target: 'check the resource and audience against what the identity provider accepts',
  access_denied: 'the login was denied or cancelled at the identity provider',
  expired_token: 'the code expired before the login finished; log in again',
};

/**
 * The IdP's text is shown as one short line: no line breaks, bounded, and C0 controls made spaces; C1
 * controls, bidi overrides and zero-width marks are spelled out, so an IdP cannot rewrite a terminal or hide
 * part of the line from whoever reads it.
 */
function oneLine(text: string | undefined, max = 200): string | undefined {
  if (typeof text !== 'string') return undefined;
  const spaced = Array.from(text, (c) => (c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f ? ' ' : c)).join('');
  const line = visible(spaced.replace(/\s+/g, ' ').trim());
  if (!line) return undefined;
  return line.length > max ? `${line.slice(0, max)}…` : line;
}

function statementOf(err: unknown): IdpStatement | undefined {
  if (err instanceof client.ResponseBodyError) {
    return { status: err.status, error: err.error, description: err.error_description, response: err.response };
  }
  if (err instanceof client.WWWAuthenticateChallengeError) {
    // A 401 from client authentication (RFC 6749 §5.2) carries the error in the challenge, e.g. Basic error="invalid_client".
    const params = err.cause.find((c) => typeof c.parameters.error === 'string')?.parameters;
    return { status: err.status, error: params?.error ?? `http_${err.status}`, description: params?.error_description, response: err.response };
  }
  if (err instanceof client.AuthorizationResponseError) {
    return { status: undefined, error: err.error, description: err.error_description, response: undefined };
  }
  return undefined;
}

function responseOf(err: unknown): Response | undefined {
  const cause = (err as { cause?: unknown } | undefined)?.cause;
  return cause instanceof Response ? cause : undefined;
}

/** `identity provider refused: invalid_client (client authentication failed); check the client id and …`. */
function describeRefusal(s: IdpStatement): string {
  const description = oneLine(s.description);
  const hint = HINTS[s.error];
  const said = oneLine(s.error, 80) ?? 'an error';
  return `identity provider refused: ${said}${description ? ` (${description})` : ''}${hint ? `; ${hint}` : ''}`;
}

/** Why a request never got an answer, from the network error under fetch's TypeError. */
function unreachableDetail(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; cause?: { code?: unknown } } } | undefined)?.cause;
  const code = String(cause?.code ?? cause?.cause?.code ?? '');
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'identity provider unreachable: its host name does not resolve';
  if (code === 'ECONNREFUSED') return 'identity provider unreachable: connection refused';
  if (code === 'ECONNRESET') return 'identity provider unreachable: the connection was reset';
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) return `identity provider unreachable: its TLS certificate is not trusted (${code})`;
  return 'identity provider unreachable';
}

export function classifyOAuthError(err: unknown, now: number): OAuthFailure {
  if (err instanceof TokenwardenError) {
    return err.code === 'ERR_TIMEOUT' || err.code === 'ERR_IDP'
      ? { kind: 'transient', detail: err.message }
      : { kind: 'refused', oauthError: err.code, detail: err.message };
  }
  const statement = statementOf(err);
  const response = statement?.response ?? responseOf(err);
  const status = statement?.status ?? response?.status;
  const retryAfter = retryAfterMs(response?.headers.get('retry-after'), now);
  if (statement) {
    if (statement.error === 'invalid_grant') return { kind: 'invalid-grant', oauthError: statement.error };
    if ((status !== undefined && (status >= 500 || status === 429)) || statement.error === 'temporarily_unavailable') {
      const answered = status === undefined ? statement.error : `${status} ${statement.error}`;
      return { kind: 'transient', detail: `identity provider answered ${answered}`, retryAfterMs: retryAfter };
    }
    return { kind: 'refused', oauthError: statement.error, detail: describeRefusal(statement) };
  }
  if (status !== undefined && (status >= 500 || status === 429)) {
    return { kind: 'transient', detail: `identity provider answered ${status}`, retryAfterMs: retryAfter };
  }
  if (status !== undefined) return { kind: 'refused', oauthError: `http_${status}`, detail: `identity provider answered ${status}` };
  const name = (err as { name?: string } | undefined)?.name ?? 'Error';
  const code = (err as { code?: unknown } | undefined)?.code;
  if (name === 'TimeoutError' || code === 'OAUTH_TIMEOUT') return { kind: 'transient', detail: 'identity provider unreachable: timed out' };
  if (name === 'AbortError' || name === 'TypeError') return { kind: 'transient', detail: unreachableDetail(err) };
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
  return new TokenwardenError('ERR_IDP', `${action} failed: ${detail.replace(/\.$/, '')}.`, { cause: err });
}
