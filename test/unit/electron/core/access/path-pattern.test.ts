import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePath, pathAllowed, PathPattern } from '../../../../../electron/core/access/path-pattern.ts';

const allowed = (patterns: string[], target: string): boolean => {
  const path = normalisePath(target);
  return typeof path !== 'string' && pathAllowed(patterns.map((p) => new PathPattern(p)), path);
};

describe('A4 path patterns', () => {
  it.each([
    ['/repos/*', '/repos/tw', true],
    ['/repos/*', '/repos/tw/issues', false],
    ['/repos/**', '/repos/tw/issues/1', true],
    ['/repos/**', '/repos', true],
    ['/repos/**', '/reposx/a', false],
    ['/user', '/user', true],
    ['/user', '/user?x=1', true],
    ['/user', '/users', false],
    ['/user', '/user/', false],
    ['/files/*.json', '/files/a.json', true],
    ['/files/*.json', '/files/a.jsonx', false],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/y', false],
  ])('A4 %s vs %s -> %s', (pattern, target, expected) => {
    expect(allowed([pattern], target)).toBe(expected);
  });

  it.each([
    ['dot-segments', '/repos/../admin'],
    ['encoded dot-segments', '/repos/%2e%2e/admin'],
    ['mixed-case encoded dots', '/repos/%2E./admin'],
    ['a single dot', '/repos/./tw'],
    ['an encoded slash', '/repos/a%2Fb'],
    ['an encoded backslash', '/repos/a%5cb'],
    ['double slashes', '/repos//admin'],
    ['a leading double slash', '//repos/tw'],
    ['a ; parameter hiding ..', '/repos/..;/admin'],
    ['a ; parameter on an exact segment', '/user;x/../admin'],
    ['a NUL', '/repos/a%00b'],
    ['a CR', '/repos/a%0db'],
    ['broken percent-encoding', '/repos/%zz'],
  ])('A4 known escape refused: %s', (_label, target) => {
    expect(allowed(['/repos/*', '/user'], target)).toBe(false);
  });

  it.each(['/repos/tw#frag', '/repos/tw/%252e%252e/admin', '/repos/tw%252Fadmin', '/repos/tw%255c..%255cadmin', '/repos/%252E%252E'])(
    'A4 a fragment or a double-encoded dot/slash/backslash is refused outright: %s',
    (target) => {
      expect(normalisePath(target)).toBe('ambiguous');
      expect(allowed(['/repos/**'], target)).toBe(false);
    },
  );

  it('A4 a single %25 that is not a double-encoded separator still matches', () => {
    expect(allowed(['/repos/**'], '/repos/100%25')).toBe(true);
  });

  it('A4 a ";" parameter is allowed only when both readings match', () => {
    expect(allowed(['/repos/*'], '/repos/a;b')).toBe(true);
    expect(allowed(['/user'], '/user;x')).toBe(false);
    expect(allowed(['/user', '/user;x'], '/user;x')).toBe(true);
  });

  it('A4 an encoded slash is allowed under ** (both readings match)', () => {
    expect(allowed(['/repos/**'], '/repos/a%2Fb')).toBe(true);
  });

  const segment = fc.stringMatching(/^[a-z0-9._~-]{0,6}$/);
  const trick = fc.constantFrom('..', '.', '%2e%2e', '%2E%2e', '%2f', '%2F', '%5c', ';', '..;', '', '%00', '%25', '%2e');

  it('A4 property: whatever tricks are mixed in, an allowed path decodes to a path inside the pattern', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(segment, trick), { maxLength: 8 }), (parts) => {
        const target = `/repos/${parts.join('/')}`;
        const ok = allowed(['/repos/*'], target);
        if (!ok) return;
        // An allowed request has exactly one segment after /repos/, in every reading a server may apply.
        const decoded = decodeURIComponent(target);
        const rest = decoded.slice('/repos/'.length);
        expect(rest.includes('/')).toBe(false);
        expect(rest.includes('\\')).toBe(false);
        expect(rest === '..' || rest === '.').toBe(false);
        expect(rest.split(';')[0]).not.toMatch(/^\.\.?$/);
      }),
      { numRuns: 2000 },
    );
  });

  it('A4 property: a plain path inside the pattern is always allowed, one outside never', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-z0-9_-]{1,6}$/), { minLength: 1, maxLength: 5 }), (parts) => {
        const target = `/${parts.join('/')}`;
        expect(allowed(['/**'], target)).toBe(true);
        expect(allowed([`/${parts[0]}/**`], target)).toBe(true);
        expect(allowed([`/${parts[0]}x/**`], target)).toBe(false);
        expect(allowed([`/${parts.join('/')}`], target)).toBe(true);
        expect(allowed([`/${parts.join('/')}/x`], target)).toBe(false);
      }),
    );
  });
});
