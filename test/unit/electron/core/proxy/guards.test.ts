import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { connectionTokens, gatewayHosts, isLoopbackAddress, KeyVerifier, normalizeAuthority, parseProxyAuthorization, scanRequestHeaders } from '../../../../../electron/core/proxy/guards.ts';
import { ProxyRejection } from '../../../../../electron/core/proxy/proxy-error.ts';
import { FakeProxyBackend } from '../../../../fixtures/proxy-backend.ts';

function rejection(fn: () => unknown): ProxyRejection {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProxyRejection) return err;
    throw err;
  }
  throw new Error('expected a rejection');
}

describe('P1 isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1'])('P1 accepts %s', (a) => expect(isLoopbackAddress(a)).toBe(true));
  it.each(['192.0.2.2', '10.0.0.1', '::ffff:10.0.0.1', '0.0.0.0', '::', '', undefined, '128.0.0.1'])('P1 refuses %s', (a) => expect(isLoopbackAddress(a)).toBe(false));
});

describe('P2 host allow-list', () => {
  it('P2 lists exactly the three loopback spellings with the port', () => {
    expect([...gatewayHosts(8787)]).toEqual(['127.0.0.1:8787', 'localhost:8787', '[::1]:8787']);
  });
  it('P2 normalizeAuthority lower-cases, drops default ports and refuses paths and userinfo', () => {
    expect(normalizeAuthority('API.test:443', 'https')).toBe('api.test');
    expect(normalizeAuthority('api.test:80', 'http')).toBe('api.test');
    expect(normalizeAuthority('api.test:8443', 'https')).toBe('api.test:8443');
    expect(normalizeAuthority('evil@api.test', 'https')).toBeUndefined();
    expect(normalizeAuthority('api.test/x', 'https')).toBeUndefined();
    expect(normalizeAuthority('', 'https')).toBeUndefined();
  });
});

describe('P3 KeyVerifier', () => {
  const backend = new FakeProxyBackend();
  const keys = new KeyVerifier(backend);
  it('P3 accepts the base64url key and refuses a same-length wrong key, another length and nothing', () => {
    const good = backend.keyString();
    expect(keys.verify(good)).toBe(true);
    expect(keys.verify(good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A'))).toBe(false);
    expect(keys.verify(good + 'A')).toBe(false);
    expect(keys.verify(undefined)).toBe(false);
    expect(keys.verify('')).toBe(false);
  });
  it('P3 follows a rotated key', () => {
    const old = backend.keyString();
    backend.key = randomBytes(32);
    expect(keys.verify(old)).toBe(false);
    expect(keys.verify(backend.keyString())).toBe(true);
  });
  it('S6 forget() drops the copy of the key, and verify() fetches it again after unlock', () => {
    const own = new FakeProxyBackend();
    const verifier = new KeyVerifier(own);
    expect(verifier.verify(own.keyString())).toBe(true);
    expect(verifier.holdsKey()).toBe(true);
    verifier.forget();
    expect(verifier.holdsKey()).toBe(false);
    own.key = randomBytes(32);
    expect(verifier.verify(own.keyString())).toBe(true);
  });
  it('P3 refuses to work with a key under 128 bits', () => {
    const weak = new FakeProxyBackend();
    weak.key = randomBytes(8);
    expect(rejection(() => new KeyVerifier(weak).verify(weak.keyString())).code).toBe('ERR_INTERNAL');
  });
  it('P1 while locked it still tells the right key from a wrong one, from a digest, without holding the key', () => {
    const own = new FakeProxyBackend();
    const verifier = new KeyVerifier(own);
    own.lock();
    verifier.forget();
    expect(verifier.holdsKey()).toBe(false);
    expect(verifier.verify(own.keyString())).toBe(true);
    expect(verifier.verify('x')).toBe(false);
    expect(verifier.verify(undefined)).toBe(false);
  });
  it('P1 a verifier that never saw the key (locked since start) refuses every key instead of revealing the lock', () => {
    const locked = new FakeProxyBackend();
    locked.locked = true;
    const verifier = new KeyVerifier(locked);
    expect(verifier.verify(locked.keyString())).toBe(false);
    expect(verifier.verify('x')).toBe(false);
  });
});

describe('parseProxyAuthorization', () => {
  const enc = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
  it('splits NAME:KEY at the first colon and allows an empty name', () => {
    expect(parseProxyAuthorization(enc('api:k:ey'))).toEqual({ name: 'api', key: 'k:ey' });
    expect(parseProxyAuthorization(enc(':key'))).toEqual({ name: '', key: 'key' });
    expect(parseProxyAuthorization(`basic ${Buffer.from('a:b').toString('base64')}`)).toEqual({ name: 'a', key: 'b' });
  });
  it.each([undefined, '', 'Bearer abc', enc('nocolon'), 'Basic !!!'])('returns undefined for %s', (v) => expect(parseProxyAuthorization(v)).toBeUndefined());
});

describe('scanRequestHeaders', () => {
  const base = ['Host', '127.0.0.1:1'];
  it('P8 drops hop-by-hop headers, the key and Proxy-Authorization, and keeps the rest in order', () => {
    const scan = scanRequestHeaders([
      ...base, 'X-Tokenwarden-Key', 'k', 'Proxy-Authorization', 'Basic x', 'Connection', 'keep-alive, X-Secret', 'X-Secret', '1',
      'Keep-Alive', 'timeout=5', 'TE', 'trailers', 'Upgrade', 'h2c', 'Proxy-Connection', 'keep-alive', 'Expect', '100-continue',
      'Accept', 'a/b', 'X-A', '1', 'X-A', '2',
    ]);
    expect(scan.out).toEqual(['Accept', 'a/b', 'X-A', '1', 'X-A', '2']);
    expect(scan.gatewayKey).toBe('k');
    expect(scan.proxyAuthorization).toBe('Basic x');
    expect(scan.upgrade).toBe(true);
  });
  it('P7 counts Authorization headers and keeps them out of the forwarded list', () => {
    const scan = scanRequestHeaders([...base, 'Authorization', 'Bearer a', 'authorization', 'Bearer b']);
    expect(scan.authorizationCount).toBe(2);
    expect(scan.out).toEqual([]);
  });
  it('P8 an Authorization named in Connection is treated as hop-by-hop', () => {
    const scan = scanRequestHeaders([...base, 'Authorization', 'Bearer a', 'Connection', 'authorization']);
    expect(scan.authorizationCount).toBe(0);
  });
  it.each([
    ['Origin', 'http://a.test'],
    ['X-Forwarded-For', '1.2.3.4'],
    ['Sec-Fetch-Site', 'cross-site'],
    ['Sec-Fetch-Site', 'same-origin'],
  ])('P4 refuses %s: %s', (name, value) => {
    expect(rejection(() => scanRequestHeaders([...base, name, value])).code).toBe('ERR_FORBIDDEN');
  });
  it('P4 lets Sec-Fetch-Site: none through', () => {
    expect(scanRequestHeaders([...base, 'Sec-Fetch-Site', 'none']).out).toEqual(['Sec-Fetch-Site', 'none']);
  });
  it.each([
    ['no Host', []],
    ['two Hosts', ['Host', 'a', 'Host', 'b']],
    ['a non-chunked coding', ['Host', 'a', 'Transfer-Encoding', 'gzip']],
    ['chunked twice', ['Host', 'a', 'Transfer-Encoding', 'chunked', 'Transfer-Encoding', 'chunked']],
    ['two keys', ['Host', 'a', 'X-Tokenwarden-Key', 'a', 'X-Tokenwarden-Key', 'b']],
  ])('P9 refuses %s and asks to close', (_label, raw) => {
    const r = rejection(() => scanRequestHeaders(raw));
    expect(r.code).toBe('ERR_BAD_REQUEST');
    expect(r.close).toBe(true);
  });
  it('connectionTokens ignores close and keep-alive', () => {
    expect([...connectionTokens('Close, keep-alive , X-A,x-b')]).toEqual(['x-a', 'x-b']);
  });
});
