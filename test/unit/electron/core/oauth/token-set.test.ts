import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { MIN_LIFETIME_SECONDS, tokenSetFrom } from '../../../../../electron/core/oauth/token-set.ts';

const RECEIVED = Date.parse('2026-03-01T12:00:00.000Z');

describe('tokenSetFrom', () => {
  it.each([0, -30, 0.001])('F8 expires_in %s is no usable lifetime: it becomes the 10 s minimum', (expiresIn) => {
    const set = tokenSetFrom({ access_token: 'short', expires_in: expiresIn }, RECEIVED);
    expect(Date.parse(set.expiresAt!) - RECEIVED).toBe(MIN_LIFETIME_SECONDS * 1000);
    expect(MIN_LIFETIME_SECONDS).toBe(10);
  });

  it('O6 times expiry from local receipt plus expires_in, ignoring any exp inside a JWT', () => {
    const jwtClaimingYear2000 = `x.${Buffer.from(JSON.stringify({ exp: 946684800 })).toString('base64url')}.y`;
    const set = tokenSetFrom({ access_token: jwtClaimingYear2000, expires_in: 120 }, RECEIVED);
    expect(set.receivedAt).toBe('2026-03-01T12:00:00.000Z');
    expect(set.expiresAt).toBe('2026-03-01T12:02:00.000Z');
  });

  it('O7 keeps the previous refresh and ID tokens when the response has none, and takes new ones when present', () => {
    const previous = tokenSetFrom({ access_token: 'a1', refresh_token: 'r1', id_token: 'i1', scope: 'read write' }, RECEIVED);
    const kept = tokenSetFrom({ access_token: 'a2', expires_in: 60 }, RECEIVED + 1, previous);
    expect(kept).toMatchObject({ accessToken: 'a2', refreshToken: 'r1', idToken: 'i1', scopes: ['read', 'write'] });
    const rotated = tokenSetFrom({ access_token: 'a3', refresh_token: 'r2' }, RECEIVED + 2, kept);
    expect(rotated.refreshToken).toBe('r2');
  });

  it('has no expiry without expires_in, and uses the configured scope when the IdP echoes none', () => {
    const set = tokenSetFrom({ access_token: 'a', token_type: 'DPoP' }, RECEIVED, undefined, 'api:read api:write');
    expect(set.expiresAt).toBeUndefined();
    expect(set.tokenType).toBe('DPoP');
    expect(set.scopes).toEqual(['api:read', 'api:write']);
  });

  it('refuses a response without an access token', () => {
    expect(() => tokenSetFrom({ access_token: '' }, RECEIVED)).toThrow(TokenwardenError);
  });
});
