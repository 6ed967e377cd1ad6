import * as client from 'openid-client';
import { describe, expect, it } from 'vitest';
import { classifyOAuthError, toIdpError } from '../../../../../electron/core/oauth/oauth-errors.ts';
import { countingFetch, jsonResponse } from '../../../../fixtures/idp-fetch.ts';

const ISSUER = 'https://idp.example';
const SECRET = 'client-secret-never-shown-0123456789';

/** What openid-client throws for a client-credentials request whose token endpoint answers `response`. */
async function thrownFor(response: () => Response): Promise<unknown> {
  const counter = countingFetch(() => Promise.reject(new Error('no network in unit tests')));
  counter.intercept = () => response();
  const config = new client.Configuration({ issuer: ISSUER, token_endpoint: `${ISSUER}/token` }, 'cli', undefined, client.ClientSecretBasic(SECRET));
  config[client.customFetch] = counter.fetch as client.CustomFetch;
  return client.clientCredentialsGrant(config).then(
    () => {
      throw new Error('expected the grant to fail');
    },
    (err: unknown) => err,
  );
}

const challenge = (header: string, body: unknown = { error: 'invalid_client' }) => () =>
  jsonResponse(401, body, { 'www-authenticate': header });

describe('OAuth errors in the identity provider\'s own words', () => {
  it('a WWW-Authenticate challenge (wrong client secret) names invalid_client, its description and what to check', async () => {
    const err = await thrownFor(challenge('Basic realm="https://idp.example", error="invalid_client", error_description="client authentication failed"'));
    expect(err).toBeInstanceOf(client.WWWAuthenticateChallengeError);
    const failure = classifyOAuthError(err, Date.now());
    expect(failure).toMatchObject({ kind: 'refused', oauthError: 'invalid_client' });
    const message = toIdpError(err, Date.now(), 'Login').message;
    expect(message).toBe(
      'Login failed: identity provider refused: invalid_client (client authentication failed); check the client id and client secret registered at the identity provider.',
    );
    expect(message).not.toMatch(/WWW-Authenticate|challenge/);
    expect(message).not.toContain(SECRET);
  });

  it('a JSON error body gives its code and description, with the hint for the code', async () => {
    const err = await thrownFor(() => jsonResponse(400, { error: 'invalid_scope', error_description: 'requested scope is not allowed' }));
    expect(toIdpError(err, Date.now(), 'Login').message).toBe(
      'Login failed: identity provider refused: invalid_scope (requested scope is not allowed); check the scope against the scopes the identity provider allows this client.',
    );
  });

  it('an error code without a hint or description is still named, and a challenge without an error falls back to the status', async () => {
    const plain = await thrownFor(() => jsonResponse(400, { error: 'invalid_request' }));
    expect(classifyOAuthError(plain, Date.now())).toMatchObject({ kind: 'refused', detail: 'identity provider refused: invalid_request' });
    const bare = await thrownFor(challenge('Basic realm="idp"', {}));
    expect(classifyOAuthError(bare, Date.now())).toMatchObject({ kind: 'refused', oauthError: 'http_401' });
  });

  it('the description is one bounded line: no control characters, no line breaks', async () => {
    const err = await thrownFor(() => jsonResponse(400, { error: 'invalid_client', error_description: `line one\r\n\u001b[31mline two ${'x'.repeat(400)}` }));
    const detail = (classifyOAuthError(err, Date.now()) as { detail: string }).detail;
    expect(Array.from(detail).filter((c) => c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(detail).toContain('(line one [31mline two x');
    expect(detail.length).toBeLessThan(400);
  });

  it('O8 invalid_grant stays the dead-grant outcome, and 5xx, 429 and temporarily_unavailable stay transient with Retry-After', async () => {
    expect(classifyOAuthError(await thrownFor(() => jsonResponse(400, { error: 'invalid_grant' })), Date.now())).toEqual({ kind: 'invalid-grant', oauthError: 'invalid_grant' });
    const down = classifyOAuthError(await thrownFor(() => jsonResponse(503, { error: 'server_error' }, { 'retry-after': '7' })), Date.now());
    expect(down).toEqual({ kind: 'transient', detail: 'identity provider answered 503', retryAfterMs: 7000 });
    const busy = classifyOAuthError(await thrownFor(() => jsonResponse(400, { error: 'temporarily_unavailable' })), Date.now());
    expect(busy).toMatchObject({ kind: 'transient', detail: 'identity provider answered 400 temporarily_unavailable' });
    expect(classifyOAuthError(await thrownFor(() => jsonResponse(429, { error: 'slow_down' })), Date.now())).toMatchObject({ kind: 'transient' });
  });

  it('a refused connection and a name that does not resolve say so, and stay transient', async () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(classifyOAuthError(refused, Date.now())).toEqual({ kind: 'transient', detail: 'identity provider unreachable: connection refused' });
    const dns = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) });
    expect(classifyOAuthError(dns, Date.now())).toEqual({ kind: 'transient', detail: 'identity provider unreachable: its host name does not resolve' });
  });
});
