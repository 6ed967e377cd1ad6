import { describe, expect, it } from 'vitest';
import { decide, type CredentialView, type KeyView } from '../../../../../electron/core/access/decide.ts';
import { normalisePath, pathAllowed, PathPattern } from '../../../../../electron/core/access/path-pattern.ts';
import { compilePolicy } from '../../../../../electron/core/access/policy.ts';

const allowed = (patterns: string[], target: string): boolean => {
  const path = normalisePath(target);
  return typeof path !== 'string' && pathAllowed(patterns.map((p) => new PathPattern(p)), path);
};

/** The paths that reached /admin through `--paths '/public/**'` on an upstream that decodes twice. */
const REPRODUCED = [
  '/public/%25%32%65%25%32%65/admin',
  '/public/%252%65%252%65/admin',
  '/public/%25%32e%25%32e/admin',
  '/public/%25%32%65%25%32%65%25%32%66admin',
];

describe('A7 double and deeper encodings of ".", "/" and "\\" under a path rule', () => {
  it.each([
    ...REPRODUCED.map((path) => ['reproduced', path]),
    ['the spelling refused before', '/public/%252e%252e/admin'],
    ['%2E spelt with encoded digits', '/public/%25%32%45%25%32%45/admin'],
    ['%2E with a lower-case 25', '/public/%252E%252E/admin'],
    ['%2f spelt with encoded digits', '/public/..%25%32%66admin'],
    ['%2F spelt with encoded digits', '/public/..%25%32%46admin'],
    ['%5C spelt with encoded digits', '/public/..%25%35%43admin'],
    ['%5c spelt with encoded digits', '/public/..%25%35%63admin'],
    ['%5c with only the percent encoded', '/public/..%255c..%255cadmin'],
    ['a lone % before encoded digits', '/public/%%32%65%%32%65/admin'],
    ['a broken %2 followed by an encoded 5', '/public/%2%35%32e%2%35%32e/admin'],
    ['depth 3', '/public/%25252e%25252e/admin'],
    ['depth 3 with encoded digits', '/public/%25%32%35%32%65%25%32%35%32%65/admin'],
    ['depth 3 slash, mixed spellings', '/public/..%2525%32F..%2525%32fadmin'],
    ['depth 4', '/public/%2525252e%2525252e/admin'],
    ["IIS's %u form, double-encoded", '/public/%25u002e%25u002e/admin'],
    ['overlong UTF-8 dots, double-encoded', '/public/%25c0%25ae%25c0%25ae/admin'],
    ['inside a single segment', '/public/a%252fb'],
    ['before a query', '/public/%252e%252e/admin?x=1'],
    ['a double-encoded ? that would cut the path short', '/public/x%253f/../../admin'],
    ['a double-encoded # that would cut the path short', '/public/x%2523/admin'],
    ['a double-encoded ? spelt with encoded digits', '/public/x%25%33%46'],
  ])('A7 refused (%s): %s', (_label, target) => {
    expect(normalisePath(target)).toBe('ambiguous');
    expect(allowed(['/public/**'], target)).toBe(false);
    expect(allowed(['/**'], target)).toBe(false);
  });

  it('A7 a path still decoding after more rounds than any real chain needs is refused (bounded, fails closed)', () => {
    // "A" nested ten deep: no separator in sight, but no upstream needs this and the loop must stop somewhere.
    const tenDeep = `/public/%${'25'.repeat(10)}41`;
    expect(normalisePath(tenDeep)).toBe('ambiguous');
    expect(allowed(['/public/**'], `/public/%${'25'.repeat(6)}41`)).toBe(true);
  });

  it.each([
    '/public/ok',
    '/public/a%20b',
    '/public/100%25',
    '/public/50%25off',
    '/public/%25',
    '/public/a%2520b',
    '/public/%252',
    '/public/%25252',
    '/public/%252541',
    '/public/a%2Fb',
    '/public/caf%C3%A9',
    '/public/x?q=%252e%252e%252fadmin',
  ])('A7 a legitimate path still matches: %s', (target) => {
    expect(allowed(['/public/**'], target)).toBe(true);
  });

  it('A7 with no path rule nothing is refused for its encoding (the rule is what needs the check)', () => {
    const view: CredentialView = { name: 'api', policy: compilePolicy({ methods: ['GET'] }), usesLeft: null, rateWaitMs: 0 };
    for (const target of REPRODUCED) expect(decide({ method: 'GET', target }, view)).toEqual({ allow: true });
  });

  it('A7 decide refuses with ERR_POLICY on the paths rule for a credential and for a key, echoing neither path nor query', () => {
    const open: CredentialView = { name: 'api', policy: undefined, usesLeft: null, rateWaitMs: 0 };
    const ruled: CredentialView = { ...open, policy: compilePolicy({ paths: ['/public/**'] }) };
    const key: KeyView = { id: 'ak_test01', for: ['api'], status: 'active', policy: compilePolicy({ paths: ['/public/**'] }), usesLeft: null, rateWaitMs: 0 };
    for (const path of REPRODUCED) {
      const target = `${path}?token=query-canary-value`;
      for (const decision of [decide({ method: 'GET', target }, ruled), decide({ method: 'GET', target }, open, key)]) {
        expect(decision).toMatchObject({ allow: false, code: 'ERR_POLICY', rule: 'paths' });
        const message = (decision as { message: string }).message;
        expect(message).toContain('double-encoded dot, slash or backslash');
        expect(message).not.toContain('query-canary-value');
        expect(message).not.toContain('%25');
      }
    }
    expect(decide({ method: 'GET', target: '/public/ok' }, ruled)).toEqual({ allow: true });
    expect(decide({ method: 'GET', target: '/public/ok' }, open, key)).toEqual({ allow: true });
  });
});
