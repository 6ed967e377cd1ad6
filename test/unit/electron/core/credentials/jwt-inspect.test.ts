import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inspectJwt } from '../../../../../electron/core/credentials/jwt-inspect.ts';

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const jwt = (claims: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: 'k1' }) =>
  `${b64url(header)}.${b64url(claims)}.c2lnbmF0dXJl`;

describe('inspectJwt', () => {
  it('decodes header, claims, expiry, subject, issuer and audience', () => {
    const result = inspectJwt(jwt({ iss: 'https://idp.example', sub: 'user-1', aud: ['api', 'web'], exp: 1_900_000_000, scope: 'read write' }));
    expect(result).not.toBeNull();
    expect(result?.header).toMatchObject({ alg: 'RS256', kid: 'k1' });
    expect(result?.claims.sub).toBe('user-1');
    expect(result?.expiresAt).toBe(new Date(1_900_000_000_000).toISOString());
    expect(result?.scopes).toEqual(['read', 'write']);
    expect(result?.audience).toEqual(['api', 'web']);
    expect(result?.subject).toBe('user-1');
    expect(result?.issuer).toBe('https://idp.example');
  });

  it('reads scopes from an scp array or string and a single-string aud', () => {
    expect(inspectJwt(jwt({ scp: ['a', 'b'], aud: 'api' }))).toMatchObject({ scopes: ['a', 'b'], audience: ['api'] });
    expect(inspectJwt(jwt({ scp: 'x y' }))?.scopes).toEqual(['x', 'y']);
    expect(inspectJwt(jwt({}))).toMatchObject({ scopes: [], audience: [] });
    expect(inspectJwt(jwt({}))?.expiresAt).toBeUndefined();
  });

  it('returns null for opaque tokens and garbage', () => {
    for (const token of ['ghp_abcdefghijklmnopqrstuvwxyz0123456789', 'a.b.c', '..', '', 'x.y', `${b64url({ alg: 'none' })}.notjson.sig`]) {
      expect(inspectJwt(token)).toBeNull();
    }
    expect(inspectJwt(undefined as unknown as string)).toBeNull();
  });

  it('never throws on arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.tuple(fc.string(), fc.string(), fc.string()).map((p) => p.join('.'))), (input) => {
        const result = inspectJwt(input);
        expect(result === null || typeof result === 'object').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
