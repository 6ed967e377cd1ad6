import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, type CredentialView, type KeyView } from '../../../../../electron/core/access/decide.ts';
import { compilePolicy } from '../../../../../electron/core/access/policy.ts';
import type { Policy } from '../../../../../shared/policy.ts';

const cred = (policy?: Policy): CredentialView => ({ name: 'api', policy: compilePolicy(policy), usesLeft: null, rateWaitMs: 0 });
const key = (policy?: Policy): KeyView => ({ id: 'ak_test01', for: ['api'], status: 'active', policy: compilePolicy(policy), usesLeft: null, rateWaitMs: 0 });
const post = (headers: string[]) => ({ method: 'POST', target: '/repos/x', headers });
const GET_POST: Policy = { methods: ['GET', 'POST'] };
const NAMES = ['X-HTTP-Method-Override', 'X-Method-Override', 'X-HTTP-Method'];

describe('decide: method-override headers (A8)', () => {
  it('A8 under a credential method rule, each override header naming another method is refused ERR_POLICY (rule methods)', () => {
    for (const name of NAMES) {
      expect(decide(post([name, 'DELETE']), cred(GET_POST))).toEqual({
        allow: false,
        code: 'ERR_POLICY',
        rule: 'methods',
        message: `Credential "api" allows only GET, POST (rule: methods); the request's ${name} header names another method.`,
      });
    }
  });

  it('A8 under a key method rule the override gets the code the method itself would (ERR_KEY_SCOPE)', () => {
    expect(decide(post(['x-http-method-override', 'put']), cred(), key(GET_POST))).toMatchObject({ allow: false, code: 'ERR_KEY_SCOPE', rule: 'methods' });
    expect(decide({ method: 'PUT', target: '/' }, cred(), key(GET_POST))).toMatchObject({ allow: false, code: 'ERR_KEY_SCOPE', rule: 'methods' });
  });

  it('A8 an override naming an allowed method, an empty one, other headers, or no method rule at all pass', () => {
    expect(decide(post(['X-HTTP-Method-Override', 'get']), cred(GET_POST))).toEqual({ allow: true });
    expect(decide(post(['X-HTTP-Method-Override', ' ']), cred(GET_POST))).toEqual({ allow: true });
    expect(decide(post(['X-Override-Reason', 'DELETE']), cred(GET_POST))).toEqual({ allow: true });
    expect(decide(post(['X-HTTP-Method-Override', 'DELETE']), cred({ paths: ['/repos/*'] }))).toEqual({ allow: true });
    expect(decide({ method: 'POST', target: '/repos/x' }, cred(GET_POST))).toEqual({ allow: true });
  });

  it('A8 any value listing a method outside the rule is refused, whatever its case, padding or position', () => {
    const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'PURGE');
    const spelled = fc.tuple(method, fc.boolean(), fc.constantFrom('', ' ', '\t')).map(([m, lower, pad]) => `${pad}${lower ? m.toLowerCase() : m}${pad}`);
    fc.assert(
      fc.property(fc.constantFrom(...NAMES), fc.array(spelled, { minLength: 1, maxLength: 4 }), fc.boolean(), (name, values, lowerName) => {
        const decision = decide(post([lowerName ? name.toLowerCase() : name, values.join(',')]), cred(GET_POST));
        const outside = values.some((v) => !['GET', 'POST'].includes(v.trim().toUpperCase()));
        expect(decision.allow).toBe(!outside);
      }),
    );
  });
});
