/** Authorization code + PKCE S256 in the system browser with a loopback redirect (SECURITY O1-O3). */
import * as client from 'openid-client';
import { callbackPathFor, startLoopbackRedirect } from './loopback-redirect.ts';

export interface AuthCodeLoginOptions {
  config: client.Configuration;
  issuer: string;
  openBrowser: (url: string) => Promise<void>;
  scope?: string;
  audience?: string;
  resource?: string;
  timeoutMs?: number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

export interface AuthCodeLoginResult {
  response: client.TokenEndpointResponse;
  nonce: string;
}

export async function authCodeLogin(options: AuthCodeLoginOptions): Promise<AuthCodeLoginResult> {
  const listener = await startLoopbackRedirect({
    path: callbackPathFor(options.issuer),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.timers ? { timers: options.timers } : {}),
  });
  try {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
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
    await options.openBrowser(client.buildAuthorizationUrl(options.config, params).href);
    const callback = await listener.result;
    // openid-client checks state, and `iss` whenever the metadata advertises it (RFC 9207), before any token call.
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
