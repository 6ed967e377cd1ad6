/** Fetches and caches authorization server metadata with exact issuer and https-only checks (SECURITY O4). */
import * as client from 'openid-client';
import { TokenwardenError } from '../errors.ts';
import type { OAuthConfig } from '../credentials/credential-record.ts';
import { isAllowedEndpoint } from './loopback-host.ts';
import { toIdpError } from './oauth-errors.ts';

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
      throw new TokenwardenError('ERR_INVALID_INPUT', 'The issuer must use https (http only on loopback with --allow-insecure-loopback).');
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
      throw toIdpError(err, this.#now(), 'Discovery');
    }
    const metadata = config.serverMetadata();
    // openid-client normalises both sides through URL; RFC 8414 §3.3 wants the exact string.
    if (metadata.issuer !== issuer) {
      throw new TokenwardenError('ERR_IDP', `Discovery failed: the metadata issuer ${JSON.stringify(metadata.issuer)} does not exactly match ${JSON.stringify(issuer)}.`);
    }
    for (const field of ENDPOINT_FIELDS) {
      const value = metadata[field];
      if (typeof value === 'string' && !isAllowedEndpoint(value, allowInsecureLoopback)) {
        throw new TokenwardenError('ERR_IDP', `Discovery failed: ${field} must use https.`);
      }
    }
    return { ...metadata };
  }
}
