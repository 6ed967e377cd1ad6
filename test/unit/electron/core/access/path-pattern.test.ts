import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalisePath, pathAllowed, PathPattern } from '../../../../../electron/core/access/path-pattern.ts';

const allowed = (patterns: string[], target: string): boolean => {
  const path = normalisePath(target);
  return typeof path !== 'string' && pathAllowed(patterns.map((p) => new PathPattern(p)), path);
};

/** One lenient decoding, as a second decoder in front of an upstream does: valid `%XX` only, the rest kept. */
const decodeOnce = (text: string): string => text.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** The path an upstream routes to: "\\" as "/", `;` parameters dropped or not, `//` merged, dot-segments resolved. */
const resolve = (path: string, dropParams: boolean): string => {
  const stack: string[] = [];
  for (const raw of path.replace(/\\/g, '/').split('/').slice(1)) {
    const s = dropParams ? raw.split(';')[0]! : raw;
    if (s === '..') stack.pop();
    else if (s !== '.' && s !== '') stack.push(s);
  }
  return `/${stack.join('/')}`;
};

/** Every path an upstream that decodes the target's path one to four times could route to. */
const routesOf = (target: string): string[] => {
  let text = target.split('?')[0]!;
  const routes: string[] = [];
  for (let depth = 1; depth <= 4; depth++) {
    text = decodeOnce(text);
    routes.push(resolve(text, false), resolve(text, true));
  }
  return routes;
};

const percent = (ch: string, upper: boolean): string => {
  const hex = ch.charCodeAt(0).toString(16).padStart(2, '0');
  return `%${upper ? hex.toUpperCase() : hex}`;
};

/** One level deeper: some characters of `text` (at least one) percent-encoded, each hex in a random case. */
const deeper = (text: string): fc.Arbitrary<string> =>
  fc
    .tuple(fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }), fc.array(fc.boolean(), { minLength: text.length, maxLength: text.length }), fc.nat(text.length - 1))
    .map(([encode, upper, forced]) => [...text].map((ch, i) => (encode[i] || i === forced ? percent(ch, upper[i]!) : ch)).join(''));

/** ".", "/" or "\\" percent-encoded at depth 2 or 3 (e.g. `%252e`, `%25%32%65`, `%2%35%32E`). */
const deepSeparator = fc
  .tuple(fc.constantFrom('.', '/', '\\'), fc.boolean(), fc.constantFrom(2, 3))
  .chain(([ch, upper, depth]) => {
    let arb = fc.constant(percent(ch, upper));
    for (let d = 1; d < depth; d++) arb = arb.chain(deeper);
    return arb;
  });

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
  // A segment built from plain text, tricks and deep encodings, so a "%25" can also meet a plain "2e" beside it.
  const mixedSegment = fc.array(fc.oneof(segment, trick, deepSeparator), { maxLength: 3 }).map((pieces) => pieces.join(''));

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

  it('A4 A7 property: with depth 2 and 3 encodings mixed in, an allowed path routes inside the pattern however often the upstream decodes', () => {
    fc.assert(
      fc.property(fc.array(mixedSegment, { maxLength: 6 }), (parts) => {
        const target = `/repos/${parts.join('/')}`;
        if (allowed(['/repos/*'], target)) {
          for (const route of routesOf(target)) expect(route).toMatch(/^\/repos(?:\/[^/]*)?$/);
        }
        if (allowed(['/repos/**'], target)) {
          for (const route of routesOf(target)) expect(route === '/repos' || route.startsWith('/repos/')).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('A7 property: a dot, slash or backslash encoded at depth 2 or 3 is refused wherever it sits, even under /**', () => {
    const around = fc.stringMatching(/^[a-z0-9._~/-]{0,8}$/);
    fc.assert(
      fc.property(around, deepSeparator, around, (before, hidden, after) => {
        const target = `/public/${before}${hidden}${after}`;
        expect(normalisePath(target)).toBe('ambiguous');
        expect(allowed(['/public/**', '/**'], target)).toBe(false);
      }),
      { numRuns: 3000 },
    );
  });

  it('A7 the generator does make depth 2 and 3 spellings, in both cases, with the encoding itself partly encoded', () => {
    const samples = fc.sample(deepSeparator, { numRuns: 500, seed: 7 });
    // Depth 2: once decoded it is a plain encoding; depth 3: only the second decoding shows one.
    expect(samples.some((s) => /^%(?:2e|2f|5c)$/i.test(decodeOnce(s)))).toBe(true);
    expect(samples.some((s) => !/%(?:2e|2f|5c)/i.test(decodeOnce(s)) && /^%(?:2e|2f|5c)$/i.test(decodeOnce(decodeOnce(s))))).toBe(true);
    expect(samples.some((s) => /%2E|%5C|%2F/.test(s) || /%45|%43|%46/.test(s))).toBe(true);
    expect(samples.some((s) => s.includes('%25') === false)).toBe(true);
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

describe('A4 look-alike dots and dots-only segments (upstreams that apply NFKC or trim trailing dots)', () => {
  it.each([
    ['a fullwidth dot pair', '/public/%EF%BC%8E%EF%BC%8E/admin'],
    ['a one-dot leader pair', '/public/%E2%80%A4%E2%80%A4/admin'],
    ['a small full stop pair', '/public/%EF%B9%92%EF%B9%92/admin'],
    ['a fullwidth solidus', '/public/..%EF%BC%8Fadmin'],
    ['a fullwidth reverse solidus', '/public/..%EF%BC%BCadmin'],
    ['a fullwidth dot beside an ASCII one', '/public/.%EF%BC%8E/admin'],
    ['three dots, which IIS trims to two', '/public/.../admin'],
    ['four dots', '/public/..../admin'],
    ['three dots spelt encoded', '/public/%2e%2e%2e/admin'],
  ])('A4 refused (%s): %s', (_label, target) => {
    expect(normalisePath(target)).toBe('dot-segment');
    expect(allowed(['/public/**'], target)).toBe(false);
  });

  it.each([['/public/caf%C3%A9'], ['/public/%E3%80%82'], ['/public/v1.2/file.tar.gz'], ['/public/.well-known'], ['/public/a..b']])('A4 still allowed: %s', (target) => {
    expect(allowed(['/public/**'], target)).toBe(true);
  });
});
