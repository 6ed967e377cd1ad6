/** Device authorization grant (RFC 8628; SECURITY O10): show the code, poll at the interval, +5 s on slow_down. */
import * as client from 'openid-client';
import type { LoginPrompt } from '../../../shared/model.ts';

export interface DeviceLoginOptions {
  config: client.Configuration;
  name: string;
  scope?: string;
  audience?: string;
  resource?: string;
  now: () => number;
  onPrompt: (prompt: LoginPrompt) => void;
  signal?: AbortSignal;
}

export async function deviceLogin(options: DeviceLoginOptions): Promise<client.TokenEndpointResponse> {
  const params: Record<string, string> = {};
  if (options.scope) params.scope = options.scope;
  if (options.audience) params.audience = options.audience;
  if (options.resource) params.resource = options.resource;
  const authorization = await client.initiateDeviceAuthorization(options.config, params);
  options.onPrompt({
    name: options.name,
    userCode: authorization.user_code,
    verificationUri: authorization.verification_uri,
    verificationUriComplete: authorization.verification_uri_complete ?? null,
    expiresAt: new Date(options.now() + authorization.expires_in * 1000).toISOString(),
  });
  // openid-client polls at `interval` (default 5 s), adds 5 s on slow_down, and throws on
  // expired_token / access_denied or when expires_in elapses.
  return client.pollDeviceAuthorizationGrant(options.config, authorization, undefined, options.signal ? { signal: options.signal } : undefined);
}
