import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { IdTokenVerifier } from '../../../../../electron/core/oauth/id-token.ts';

const ISSUER = 'https://idp.example';
const CLIENT = 'tw-client';
let server: Server;
let jwksUri: string;
let jwksFetches = 0;
let privateKey: CryptoKey;
let publicJwk: JWK;
let publicPem: string;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256', { extractable: true });
  privateKey = pair.privateKey;
  publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  publicPem = await exportSPKI(pair.publicKey);
  server = createServer((_req, res) => {
    jwksFetches += 1;
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function claims(overrides: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: ISSUER, aud: CLIENT, sub: 'alice', iat: now, exp: now + 300, nonce: 'n-1', ...overrides };
}

async function sign(payload: Record<string, unknown>, kid = 'k1'): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid }).sign(privateKey);
}

function b64(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

async function rejected(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(TokenwardenError);
    return (err as TokenwardenError).message;
  }
  return 'accepted';
}

describe('O5 ID token validation', () => {
  const verifier = new IdTokenVerifier();
  const expect_ = () => ({ issuer: ISSUER, clientId: CLIENT, jwksUri, nonce: 'n-1' });

  it('O5 accepts a correctly signed token with the right iss, aud and nonce', async () => {
    const payload = await verifier.verify(await sign(claims()), expect_());
    expect(payload.sub).toBe('alice');
  });

  it('O5 rejects alg none', async () => {
    const token = `${b64({ alg: 'none' })}.${b64(claims())}.`;
    expect(await rejected(verifier.verify(token, expect_()))).toContain('rejected');
  });

  it('O5 rejects HS256 signed with the public key as the secret', async () => {
    const token = await new SignJWT(claims()).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).sign(new TextEncoder().encode(publicPem));
    expect(await rejected(verifier.verify(token, expect_()))).toContain('rejected');
  });

  it.each([
    ['a wrong iss', { iss: 'https://evil.example' }],
    ['a wrong aud', { aud: 'someone-else' }],
    ['an exp older than now-61 s', { exp: Math.floor(Date.now() / 1000) - 61, iat: Math.floor(Date.now() / 1000) - 400 }],
    ['a wrong nonce', { nonce: 'replayed' }],
  ])('O5 rejects %s', async (_label, overrides) => {
    expect(await rejected(verifier.verify(await sign(claims(overrides)), expect_()))).toContain('rejected');
  });

  it('O5 tolerates a clock skew up to 60 s', async () => {
    const now = Math.floor(Date.now() / 1000);
    await expect(verifier.verify(await sign(claims({ exp: now - 30, iat: now - 300 })), expect_())).resolves.toBeDefined();
  });

  it('O5 an unknown kid causes at most one JWKS refetch within the cooldown', async () => {
    const fresh = new IdTokenVerifier();
    await fresh.verify(await sign(claims()), expect_());
    const before = jwksFetches;
    for (let i = 0; i < 3; i += 1) await rejected(fresh.verify(await sign(claims(), 'unknown-kid'), expect_()));
    expect(jwksFetches - before).toBeLessThanOrEqual(1);
  });
});
