import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, keyStatus, type CredentialView, type KeyView } from '../../../../../electron/core/access/decide.ts';
import { compilePolicy } from '../../../../../electron/core/access/policy.ts';
import type { Policy } from '../../../../../shared/policy.ts';

const cred = (policy?: Policy, extra: Partial<CredentialView> = {}): CredentialView => ({ name: 'api', policy: compilePolicy(policy), usesLeft: null, rateWaitMs: 0, ...extra });
const key = (policy?: Policy, extra: Partial<KeyView> = {}): KeyView => ({ id: 'ak_test01', for: ['api'], status: 'active', policy: compilePolicy(policy), usesLeft: null, rateWaitMs: 0, ...extra });
const GET = { method: 'GET', target: '/repos/x' };

describe('decide', () => {
  it('A1 names the rule and the code for each refusal', () => {
    expect(decide({ method: 'POST', target: '/' }, cred({ methods: ['GET'] }))).toMatchObject({ allow: false, code: 'ERR_POLICY', rule: 'methods' });
    expect(decide({ method: 'GET', target: '/admin' }, cred({ paths: ['/repos/*'] }))).toMatchObject({ allow: false, code: 'ERR_POLICY', rule: 'paths' });
    expect(decide(GET, cred({ rate: '1/s' }, { rateWaitMs: 1500 }))).toMatchObject({ allow: false, code: 'ERR_RATE_LIMITED', rule: 'rate', retryAfterSeconds: 2 });
    expect(decide(GET, cred({ maxUses: 1 }, { usesLeft: 0 }))).toMatchObject({ allow: false, code: 'ERR_USED_UP', rule: 'uses' });
    expect(decide(GET, cred(), key(undefined, { for: ['other'] }))).toMatchObject({ allow: false, code: 'ERR_KEY_SCOPE', rule: 'scope' });
    expect(decide(GET, cred(), key(undefined, { status: 'expired' }))).toMatchObject({ code: 'ERR_KEY_EXPIRED' });
    expect(decide(GET, cred(), key(undefined, { status: 'revoked' }))).toMatchObject({ code: 'ERR_KEY_REVOKED' });
    expect(decide(GET, cred(), key(undefined, { status: 'used-up' }))).toMatchObject({ code: 'ERR_KEY_USED_UP' });
    expect(decide({ method: 'DELETE', target: '/' }, cred(), key({ methods: ['GET'] }))).toMatchObject({ code: 'ERR_KEY_SCOPE', rule: 'methods' });
    expect(decide(GET, cred(), key(undefined, { rateWaitMs: 10 }))).toMatchObject({ code: 'ERR_RATE_LIMITED', retryAfterSeconds: 1 });
    expect(decide(GET, cred())).toEqual({ allow: true });
  });

  it('A5 key status: revoked wins over used-up wins over expired', () => {
    const past = new Date(0).toISOString();
    expect(keyStatus({ revokedAt: past, usesLeft: 0, expiresAt: past }, 1)).toBe('revoked');
    expect(keyStatus({ revokedAt: null, usesLeft: 0, expiresAt: past }, 1)).toBe('used-up');
    expect(keyStatus({ revokedAt: null, usesLeft: 1, expiresAt: past }, 1)).toBe('expired');
    expect(keyStatus({ revokedAt: null, usesLeft: null, expiresAt: null }, 1)).toBe('active');
  });

  const methods = fc.subarray(['GET', 'HEAD', 'POST', 'PUT', 'DELETE'], { minLength: 1 });
  const paths = fc.subarray(['/repos/*', '/repos/**', '/user', '/a/*/c', '/**', '/files/*.json'], { minLength: 1 });
  const policy = fc.record(
    { methods, paths, rate: fc.constantFrom('1/s', '10/min'), maxUses: fc.integer({ min: 1, max: 3 }) },
    { requiredKeys: [] },
  ) as fc.Arbitrary<Policy>;
  const request = fc.record({
    method: fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH'),
    target: fc.constantFrom('/repos/x', '/repos/x/y', '/user', '/a/b/c', '/files/a.json', '/other', '/repos/../user', '/repos/a%2Fb', '/user;x', '//user'),
  });

  it('A3 property: a key can only narrow, never widen: whatever a key allows, the credential alone allows', () => {
    fc.assert(
      fc.property(
        request,
        policy,
        fc.option(policy, { nil: undefined }),
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.option(fc.integer({ min: 0, max: 2 }), { nil: null }),
        (req, credPolicy, keyPolicy, usesLeft, credWait, keyWait, keyUses) => {
          const c = cred(credPolicy, { usesLeft: credPolicy.maxUses === undefined ? null : usesLeft, rateWaitMs: credPolicy.rate ? credWait : 0 });
          const withKey = decide(req, c, key(keyPolicy, { usesLeft: keyUses, rateWaitMs: keyPolicy?.rate ? keyWait : 0, status: keyUses === 0 ? 'used-up' : 'active' }));
          if (withKey.allow) expect(decide(req, c).allow).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
