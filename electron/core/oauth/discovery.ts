/** Fetches and caches authorization server metadata with exact issuer and https-only checks (SECURITY O4). */
import * as client from 'openid-client';
import { MESSAGES } from '../../../shared/human-messages.ts';
import { issuerTransportProblem } from '../../../shared/origin.ts';
import { TokenwardenError } from '../base/errors.ts';
import type { OAuthConfig } from '../credentials/credential-record.ts';
import { isAllowedEndpoint } from './loopback-host.ts';
import { classifyOAuthError } from './oauth-errors.ts';

export interface DiscoveryOptions {
  fetch?: typeof fetch;
  now?: () => number;
  ttlMs?: number;
  /** Seconds for each IdP request (connect + total); openid-client aborts after it (R5). */
  timeoutSeconds?: number;
}

interface CacheEntry {
  metadata: client.ServerMetadata;
  fetchedAt: number;
}

const ENDPOINT_FIELDS = [
  'authorization_endpoint',
  'token_endpoint',
  'userinfo_endpoint',
  'jwks_uri',
  'revocation_endpoint',
  'introspection_endpoint',
  'device_authorization_endpoint',
  'registration_endpoint',
  'end_session_endpoint',
  'pushed_authorization_request_endpoint',
] as const;

/**
 * The URL openid-client fetches for an issuer (OIDC Discovery §4: the well-known suffix appended to the path),
 * so an error can name the address that failed rather than the issuer the user typed.
 */
export function discoveryUrl(issuer: string): string {
  const url = new URL(issuer);
  url.pathname = `${url.pathname}/.well-known/openid-configuration`.replace('//', '/');
  return url.href;
}

/** openid-client's wording for a document that is not this issuer's metadata, said in the user's terms. */
const NOT_METADATA: Readonly<Record<string, string>> = {
  OAUTH_JSON_ATTRIBUTE_COMPARISON: 'the document names another issuer',
  OAUTH_INVALID_RESPONSE: 'the answer is not a discovery document',
  OAUTH_RESPONSE_IS_NOT_JSON: 'the answer is not JSON',
};

/** Why an issuer has no usable discovery document, with what to check when the URL itself is the likely mistake. */
function discoveryFailure(issuer: string, err: unknown, now: number): TokenwardenError {
  const failure = classifyOAuthError(err, now);
  const code = (err as { code?: unknown } | undefined)?.code;
  const notMetadata = typeof code === 'string' ? NOT_METADATA[code] : undefined;
  const detail = notMetadata ?? (failure.kind === 'invalid-grant' ? 'invalid_grant' : failure.detail.replace(/\.$/, ''));
  const wrongAddress = notMetadata !== undefined || /host name does not resolve|connection refused|answered 40[14]$/.test(detail);
  const check = wrongAddress ? '; check the issuer URL' : '';
  return new TokenwardenError('ERR_IDP', `Discovery failed at ${discoveryUrl(issuer)}: ${detail}${check}.`, { cause: err });
}

export class OAuthDiscovery {
  readonly #fetch: typeof fetch | undefined;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #timeoutSeconds: number;
  readonly #cache = new Map<string, CacheEntry>();

  constructor(options: DiscoveryOptions = {}) {
    this.#fetch = options.fetch;
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? 10 * 60_000;
    this.#timeoutSeconds = options.timeoutSeconds ?? 10;
  }

  /** Validated metadata for the issuer; cached for the TTL. */
  async metadata(issuer: string, allowInsecureLoopback: boolean): Promise<client.ServerMetadata> {
    if (!isAllowedEndpoint(issuer, allowInsecureLoopback)) {
      throw new TokenwardenError('ERR_INVALID_INPUT', issuerTransportProblem(issuer, allowInsecureLoopback) ?? MESSAGES.issuerNotUrl);
    }
    const cached = this.#cache.get(issuer);
    if (cached && this.#now() - cached.fetchedAt < this.#ttlMs) return cached.metadata;
    const metadata = await this.#discover(issuer, allowInsecureLoopback);
    this.#cache.set(issuer, { metadata, fetchedAt: this.#now() });
    return metadata;
  }

  /** A ready openid-client Configuration for one credential's OAuth settings. */
  async configuration(oauth: OAuthConfig, allowInsecureLoopback: boolean): Promise<client.Configuration> {
    const metadata = await this.metadata(oauth.issuer, allowInsecureLoopback);
    const methods = metadata.token_endpoint_auth_methods_supported ?? ['client_secret_basic'];
    let auth: client.ClientAuth;
    if (!oauth.clientSecret) auth = client.None();
    else if (methods.includes('client_secret_basic')) auth = client.ClientSecretBasic(oauth.clientSecret);
    else auth = client.ClientSecretPost(oauth.clientSecret);
    const config = new client.Configuration(metadata, oauth.clientId, undefined, auth);
    this.#prepare(config, allowInsecureLoopback);
    return config;
  }

  invalidate(issuer: string): void {
    this.#cache.delete(issuer);
  }

  #prepare(config: client.Configuration, allowInsecureLoopback: boolean): void {
    if (this.#fetch) config[client.customFetch] = this.#fetch as client.CustomFetch;
    config.timeout = this.#timeoutSeconds;
    // Only ever for loopback http IdPs the credential explicitly allows; isAllowedEndpoint guards every URL.
    if (allowInsecureLoopback) client.allowInsecureRequests(config);
  }

  async #discover(issuer: string, allowInsecureLoopback: boolean): Promise<client.ServerMetadata> {
    const execute = allowInsecureLoopback ? [client.allowInsecureRequests] : [];
    let config: client.Configuration;
    try {
      config = await client.discovery(new URL(issuer), 'tokenwarden-discovery', undefined, client.None(), {
        execute,
        timeout: this.#timeoutSeconds,
        ...(this.#fetch ? { [client.customFetch]: this.#fetch as client.CustomFetch } : {}),
      });
    } catch (err) {
      throw discoveryFailure(issuer, err, this.#now());
    }
    const metadata = config.serverMetadata();
    // openid-client normalises both sides through URL; RFC 8414 §3.3 wants the exact string.
    if (metadata.issuer !== issuer) {
      throw new TokenwardenError(
        'ERR_IDP',
        `Discovery failed at ${discoveryUrl(issuer)}: the metadata issuer ${JSON.stringify(metadata.issuer)} does not exactly match ${JSON.stringify(issuer)}.`,
      );
    }
    for (const field of ENDPOINT_FIELDS) {
      const value = metadata[field];
      if (typeof value === 'string' && !isAllowedEndpoint(value, allowInsecureLoopback)) {
        throw new TokenwardenError('ERR_IDP', `Discovery failed at ${discoveryUrl(issuer)}: ${field} must use https.`);
      }
    }
    return { ...metadata };
  }
}
