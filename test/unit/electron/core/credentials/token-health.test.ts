import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenHealthChecker } from '../../../../../electron/core/credentials/token-health.ts';

let server: Server;
let issuer: string;
let good: CryptoKey;
let stranger: CryptoKey;
let jwksCalls = 0;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  good = pair.privateKey as CryptoKey;
  stranger = (await generateKeyPair('ES256')).privateKey as CryptoKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  server = createServer((req, res) => {
    if (req.url === '/.well-known/openid-configuration') {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    } else if (req.url === '/jwks') {
      jwksCalls++;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [jwk] }));
    } else {
      res.statusCode = 404;
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const sign = (key: CryptoKey, claims: Record<string, unknown> = {}, exp = '10m') =>
  new SignJWT({ scope: 'read', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setIssuedAt().setExpirationTime(exp).sign(key);

describe('TokenHealthChecker', () => {
  it('verifies a JWT signed by a key in the issuer JWKS, fetched through discovery and cached', async () => {
    const checker = new TokenHealthChecker();
    const token = await sign(good);
    expect(await checker.check(token)).toMatchObject({ signature: 'verified', issuer });
    await checker.check(await sign(good, { n: 2 }));
    expect(jwksCalls).toBe(1);
  });

  it('a JWT signed by another key is "invalid"; an expired but well-signed one is still "verified"', async () => {
    const checker = new TokenHealthChecker();
    expect((await checker.check(await sign(stranger))).signature).toBe('invalid');
    const expired = await checker.check(await sign(good, {}, '-1m'));
    expect(expired.signature).toBe('verified');
    expect(expired.detail).toMatch(/exp/);
  });

  it('an issuer that cannot be reached is "unreachable"; opaque tokens and JWTs without iss are "not-jwt"', async () => {
    const checker = new TokenHealthChecker({ timeoutMs: 2_000 });
    const offline = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('http://127.0.0.1:9').sign(good);
    expect((await checker.check(offline)).signature).toBe('unreachable');
    expect((await checker.check('opaque-token-value')).signature).toBe('not-jwt');
    expect((await checker.check(await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).sign(good))).signature).toBe('not-jwt');
    const foreign = await new SignJWT({}).setProtectedHeader({ alg: 'ES256' }).setIssuer('http://example.com').sign(good);
    expect((await checker.check(foreign)).detail).toMatch(/not an https URL/);
  });
});
