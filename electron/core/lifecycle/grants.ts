/** Obtains token sets from the IdP for one credential: refresh, client credentials, and the interactive logins. */
import * as client from 'openid-client';
import type { AppEvent } from '../../../shared/model.ts';
import type { CredentialRecord, OAuthConfig } from '../credentials/credential-record.ts';
import { TokenwardenError } from '../base/errors.ts';
import { authCodeLogin } from '../oauth/auth-code-flow.ts';
import { deviceLogin } from '../oauth/device-flow.ts';
import type { OAuthDiscovery } from '../oauth/discovery.ts';
import type { IdTokenVerifier } from '../oauth/id-token.ts';
import type { TokenResponseLike } from '../oauth/token-set.ts';
import { loginHint } from './login-hint.ts';

export interface GrantRunnerOptions {
  discovery: OAuthDiscovery;
  idTokens: IdTokenVerifier;
  now: () => number;
  timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
  openBrowser?: (url: string) => Promise<void>;
  onEvent?: (event: AppEvent) => void;
  allowInsecureLoopbackIssuer?: (issuer: string) => boolean;
}

function oauthOf(record: CredentialRecord): OAuthConfig {
  if (record.kind !== 'oauth' || !record.oauth) {
    throw new TokenwardenError('ERR_NOT_AVAILABLE', `${record.name} is not an OAuth credential.`);
  }
  return record.oauth;
}

/**
 * ID tokens are verified only at login (O5); one returned by a refresh is dropped unverified, since it is
 * display-only and the one verified at login is kept.
 */
function withoutIdToken(response: TokenResponseLike): TokenResponseLike {
  const { id_token: _unverified, ...rest } = response;
  return rest;
}

/** Extra token-request parameters; only the ones configured, since IdPs reject unknown resources. */
function extraParams(oauth: OAuthConfig): Record<string, string> {
  const params: Record<string, string> = {};
  if (oauth.scope) params.scope = oauth.scope;
  if (oauth.audience) params.audience = oauth.audience;
  if (oauth.resource) params.resource = oauth.resource;
  return params;
}

export class GrantRunner {
  readonly #o: GrantRunnerOptions;

  constructor(options: GrantRunnerOptions) {
    this.#o = options;
  }

  /** Insecure loopback issuers need both the credential's flag and the owner's consent. */
  allowsInsecure(record: CredentialRecord): boolean {
    const issuer = record.oauth?.issuer;
    if (!record.allowInsecureLoopback || !issuer) return false;
    return this.#o.allowInsecureLoopbackIssuer ? this.#o.allowInsecureLoopbackIssuer(issuer) : true;
  }

  configFor(record: CredentialRecord): Promise<client.Configuration> {
    return this.#o.discovery.configuration(oauthOf(record), this.allowsInsecure(record));
  }

  /** Background refresh: the stored refresh token, else a new client-credentials grant. */
  async refresh(record: CredentialRecord): Promise<TokenResponseLike> {
    const oauth = oauthOf(record);
    const refreshToken = record.tokens?.refreshToken;
    if (refreshToken) {
      const config = await this.configFor(record);
      // Scope is not resent: a refresh keeps the granted scope (RFC 6749 §6).
      const params: Record<string, string> = {};
      if (oauth.resource) params.resource = oauth.resource;
      return withoutIdToken(await client.refreshTokenGrant(config, refreshToken, params));
    }
    if (oauth.grant === 'client-credentials') {
      const config = await this.configFor(record);
      return withoutIdToken(await client.clientCredentialsGrant(config, extraParams(oauth)));
    }
    throw new TokenwardenError('ERR_NEEDS_LOGIN', loginHint(record));
  }

  /**
   * `login`: runs the credential's configured grant from scratch. An auth-code login announces its URL as an
   * `authorize` event, so the client that asked (the CLI, possibly over SSH) can open it on the user's side;
   * an owner with its own browser (the desktop app) opens it too.
   */
  async login(record: CredentialRecord, options: { signal?: AbortSignal } = {}): Promise<TokenResponseLike> {
    const oauth = oauthOf(record);
    switch (oauth.grant) {
      case 'client-credentials':
      case 'refresh-token':
        if (oauth.grant === 'refresh-token' && !record.tokens?.refreshToken) {
          throw new TokenwardenError('ERR_INVALID_INPUT', `${record.name} needs a pasted refresh token first.`);
        }
        return this.refresh(record);
      case 'auth-code': {
        const config = await this.configFor(record);
        const openBrowser = this.#o.openBrowser;
        const { response, nonce } = await authCodeLogin({
          config,
          issuer: oauth.issuer,
          openBrowser: async ({ url, redirectUri }) => {
            this.#o.onEvent?.({ type: 'authorize', name: record.name, url, redirectUri, opened: Boolean(openBrowser) });
            await openBrowser?.(url);
          },
          timers: this.#o.timers,
          ...(options.signal ? { signal: options.signal } : {}),
          ...(oauth.scope ? { scope: oauth.scope } : {}),
          ...(oauth.audience ? { audience: oauth.audience } : {}),
          ...(oauth.resource ? { resource: oauth.resource } : {}),
        });
        await this.#verifyIdToken(config, oauth, response, nonce);
        return response;
      }
      case 'device': {
        const config = await this.configFor(record);
        const response = await deviceLogin({
          config,
          name: record.name,
          now: this.#o.now,
          onPrompt: (prompt) => this.#o.onEvent?.({ type: 'login', prompt }),
          ...(options.signal ? { signal: options.signal } : {}),
          ...(oauth.scope ? { scope: oauth.scope } : {}),
          ...(oauth.audience ? { audience: oauth.audience } : {}),
          ...(oauth.resource ? { resource: oauth.resource } : {}),
        });
        await this.#verifyIdToken(config, oauth, response);
        return response;
      }
    }
  }

  async #verifyIdToken(config: client.Configuration, oauth: OAuthConfig, response: TokenResponseLike, nonce?: string): Promise<void> {
    if (!response.id_token) return;
    const metadata = config.serverMetadata();
    if (!metadata.jwks_uri) throw new TokenwardenError('ERR_IDP', 'The identity provider publishes no JWKS to check the ID token.');
    await this.#o.idTokens.verify(response.id_token, {
      issuer: oauth.issuer,
      clientId: oauth.clientId,
      jwksUri: metadata.jwks_uri,
      ...(metadata.id_token_signing_alg_values_supported ? { supportedAlgorithms: metadata.id_token_signing_alg_values_supported } : {}),
      ...(nonce !== undefined ? { nonce } : {}),
    });
  }
}
