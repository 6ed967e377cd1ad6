/** Authorization code + PKCE S256 in the system browser with a loopback redirect (SECURITY O1-O3). */
import * as client from 'openid-client';
import { callbackPathFor } from '../credentials/redirect-uri.ts';
import { startLoopbackRedirect } from './loopback-redirect.ts';

/** What the user must open to log in; handed to whoever can reach the user's browser (see GrantRunner). */
export interface AuthorizationRequest {
  url: string;
  /** The exact redirect URI of this login; only its port differs between logins (RFC 8252 §7.3). */
  redirectUri: string;
}

export interface AuthCodeLoginOptions {
  config: client.Configuration;
  issuer: string;
  /** Called once the listener waits; resolves when the URL was handed on (not when the login ends). */
  openBrowser: (request: AuthorizationRequest) => Promise<void>;
  scope?: string;
  audience?: string;
  resource?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

export interface AuthCodeLoginResult {
  response: client.TokenEndpointResponse;
  nonce: string;
}

export async function authCodeLogin(options: AuthCodeLoginOptions): Promise<AuthCodeLoginResult> {
  // Fresh for every login: a state, nonce or verifier is never reused (O1).
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const listener = await startLoopbackRedirect({
    path: callbackPathFor(options.issuer),
    state,
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  try {
    const scope = options.scope ?? 'openid';
    const params: Record<string, string> = {
      redirect_uri: listener.redirectUri,
      response_type: 'code',
      scope,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    };
    if (options.audience) params.audience = options.audience;
    if (options.resource) params.resource = options.resource;
    await options.openBrowser({ url: client.buildAuthorizationUrl(options.config, params).href, redirectUri: listener.redirectUri });
    const callback = await listener.result;
    // openid-client checks state again, and `iss` whenever the metadata advertises it (RFC 9207), before any token call.
    const response = await client.authorizationCodeGrant(options.config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: scope.split(' ').includes('openid'),
    });
    return { response, nonce };
  } finally {
    await listener.close();
  }
}
