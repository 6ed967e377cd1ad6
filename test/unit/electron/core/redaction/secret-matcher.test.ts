import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodedForms } from '../../../../../electron/core/redaction/encoded-forms.ts';
import { normalise } from '../../../../../electron/core/redaction/normalised-view.ts';
import { foldUnit, MIN_RUN, SecretMatcher } from '../../../../../electron/core/redaction/secret-matcher.ts';
import { applySpans, mergeSpans, REDACTION_MARKER } from '../../../../../electron/core/redaction/secret-spans.ts';

const TOKEN = 'tok-CCCC-secret-gamma-ABCDEFGHIJ';
const matcher = SecretMatcher.forSecrets([TOKEN]);

function redact(text: string, m: SecretMatcher = matcher): string {
  const flat = m.spans(text);
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return applySpans(text, mergeSpans(pairs));
}

const fold = (s: string) => [...s].map((c) => String.fromCharCode(foldUnit(c.charCodeAt(0)))).join('');
/** Does `text`, read plainly or normalised, still hold MIN_RUN consecutive characters of any form of the token? */
function leaks(text: string, secret = TOKEN): boolean {
  const views = [fold(text), fold(normalise(text))];
  return encodedForms(secret).some((form) => {
    const f = fold(form);
    if (f.length < MIN_RUN) return views.some((v) => v.includes(f));
    for (let i = 0; i + MIN_RUN <= f.length; i++) if (views.some((v) => v.includes(f.slice(i, i + MIN_RUN)))) return true;
    return false;
  });
}

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64');
const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');
const every = (s: string, f: (code: number) => string) => [...s].map((c) => f(c.charCodeAt(0))).join('');

/** Each reproduced leak of the token, by form (named in the test titles). */
const ENCODED_FORMS: [string, string][] = [
  ['base64', b64(TOKEN)],
  ['base64 without padding', b64(TOKEN).replace(/=+$/, '')],
  ['base64url', b64url(TOKEN)],
  ['base64 of Bearer <token>', b64(`Bearer ${TOKEN}`)],
  ['base64url of Bearer <token>', b64url(`Bearer ${TOKEN}`)],
  ['base64 at byte alignment 1', b64(`x${TOKEN}`)],
  ['base64 at byte alignment 2', b64(`xy${TOKEN}`)],
  ['base64 inside a longer encoded JSON document', b64(JSON.stringify({ headers: { Authorization: `Bearer ${TOKEN}`, Accept: '*/*' } }))],
  ['base64 wrapped at 76 columns (MIME)', b64(`Authorization: Bearer ${TOKEN}\r\n`.repeat(3)).replace(/.{76}/g, '$&\r\n')],
  ['hex, lower case', hex(TOKEN)],
  ['hex, upper case', hex(TOKEN).toUpperCase()],
  ['hex with spaces between bytes', hex(TOKEN).replace(/../g, '$& ')],
  ['the token in upper case', TOKEN.toUpperCase()],
  ['the token in lower case', TOKEN.toLowerCase()],
  ['a JSON string with every character as \\u00XX', every(TOKEN, (c) => `\\u00${c.toString(16).padStart(2, '0')}`)],
  ['a JSON string with some characters as \\u00XX', every(TOKEN, (c) => (c % 3 === 0 ? `\\u${c.toString(16).padStart(4, '0').toUpperCase()}` : String.fromCharCode(c)))],
  ['HTML decimal entities', every(TOKEN, (c) => `&#${c};`)],
  ['HTML hex entities', every(TOKEN, (c) => `&#x${c.toString(16)};`)],
  ['HTML decimal entities without their semicolons', every(TOKEN, (c) => `&#${c}`)],
  ['quoted-printable of every character, with soft line breaks', every(TOKEN, (c) => `=${c.toString(16).toUpperCase()}`).replace(/(.{30})/g, '$1=\r\n')],
  ['percent-encoding of every character', every(TOKEN, (c) => `%${c.toString(16)}`)],
  ['spaces between the characters', [...TOKEN].join(' ')],
  ['newlines and tabs between the characters', [...TOKEN].join('\n\t')],
  ['zero-width characters between the characters', [...TOKEN].join('\u200b')],
  ['UTF-16LE bytes (read as latin1)', Buffer.from(TOKEN, 'utf16le').toString('latin1')],
  ['UTF-16BE bytes (read as latin1)', Buffer.from(TOKEN, 'utf16le').swap16().toString('latin1')],
  ['the token cut across two JSON fields', JSON.stringify({ first: TOKEN.slice(0, 16), second: TOKEN.slice(16) })],
  ['all but its last 2 characters in an error message', `invalid token: ${TOKEN.slice(0, -2)}`],
];

describe('SecretMatcher', () => {
  it.each(ENCODED_FORMS)('M1 redacts the token as %s', (_what, text) => {
    expect(leaks(text)).toBe(true);
    const out = redact(text);
    expect(out).toContain(REDACTION_MARKER);
    expect(leaks(out)).toBe(false);
  });

  it('M1 keeps the text around a match and maps a match in the normalised view back onto its source characters', () => {
    const spaced = [...TOKEN].join(' ');
    expect(redact(`before ${spaced} after`)).toBe(`before ${REDACTION_MARKER} after`);
    const escaped = every(TOKEN, (c) => `\\u00${c.toString(16)}`);
    expect(redact(`{"t":"${escaped}","n":1}`)).toBe(`{"t":"${REDACTION_MARKER}","n":1}`);
    expect(redact(`Bearer ${TOKEN.toUpperCase()}, ok`)).toBe(`Bearer ${REDACTION_MARKER}, ok`);
  });

  it('M1 a run shorter than 16 characters is left (the documented threshold), 16 are redacted', () => {
    expect(redact(`x ${TOKEN.slice(3, 3 + MIN_RUN - 1)} y`)).toBe(`x ${TOKEN.slice(3, 3 + MIN_RUN - 1)} y`);
    expect(redact(`x ${TOKEN.slice(3, 3 + MIN_RUN)} y`)).toBe(`x ${REDACTION_MARKER} y`);
  });

  it('M1 a secret shorter than 16 characters is redacted whole, in any case, and not by its pieces', () => {
    const short = SecretMatcher.forSecrets(['Sh0rtSecret9']);
    expect(redact('a sh0rtsecret9 b SH0RTSECRET9', short)).toBe(`a ${REDACTION_MARKER} b ${REDACTION_MARKER}`);
    expect(redact('a Sh0rtSecre b', short)).toBe('a Sh0rtSecre b');
    expect(redact(`hex ${hex('Sh0rtSecret9')}`, short)).toBe(`hex ${REDACTION_MARKER}`);
  });

  it('M1 finds a non-ASCII secret in text and as UTF-8 bytes of a binary body', () => {
    const secret = 'clé-secrète-€-0123456789';
    const m = SecretMatcher.forSecrets([secret]);
    expect(redact(`a ${secret} b`, m)).toBe(`a ${REDACTION_MARKER} b`);
    expect(redact(`a ${Buffer.from(secret).toString('latin1')} b`, m)).toBe(`a ${REDACTION_MARKER} b`);
  });

  it('M1 a token written in full-width characters (U+FF01–U+FF5E) is redacted, plainly and escaped', () => {
    const wide = [...TOKEN].map((c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).join('');
    expect(redact(`echo: ${wide}.`)).toBe(`echo: ${REDACTION_MARKER}.`);
    expect(redact(`echo: ${wide.toLowerCase()}`)).toBe(`echo: ${REDACTION_MARKER}`);
    expect(redact(`Bearer ${wide.slice(0, 8)}${TOKEN.slice(8)}`)).toBe(`Bearer ${REDACTION_MARKER}`);
    expect(redact(`x ${[...wide].map((c) => `&#${c.charCodeAt(0)};`).join('')}`)).toBe(`x ${REDACTION_MARKER}`);
    expect(foldUnit(0xff01)).toBe(0x21);
    expect(foldUnit(0xff21)).toBe(0x61);
    expect(foldUnit(0xff5f)).toBe(0xff5f);
    expect(redact('ｆｕｌｌ－ｗｉｄｔｈ text')).toBe('ｆｕｌｌ－ｗｉｄｔｈ text');
  });

  it('leaves ordinary text alone, and an empty matcher finds nothing', () => {
    const text = JSON.stringify({ items: [{ id: 1, name: 'alpha beta', url: 'https://api.example.com/a?x=%20&y=1' }], note: 'Lorem ipsum &amp; more' });
    expect(redact(text)).toBe(text);
    expect(new SecretMatcher([]).spans(TOKEN)).toEqual([]);
    expect(matcher.spans('')).toEqual([]);
  });

  it('M1 a secret made of one repeated character (every gram alike) is still redacted, with a margin', () => {
    const m = SecretMatcher.forSecrets(['a'.repeat(400)]);
    const out = redact(`${'x'.repeat(40)}${'a'.repeat(5000)}${'y'.repeat(40)}`, m);
    // Past 64 candidates for one gram the walk stops and the characters around it are redacted as a match.
    expect(out).toMatch(new RegExp(`^x{25,40}\\[redacted by tokenwarden\\]y{25,40}$`));
  });

  it('M1 property: the token in any known form, anywhere in random text, leaves no run of 16 behind', () => {
    const forms = (t: string): string[] => [
      t,
      t.toUpperCase(),
      b64(`Bearer ${t}`),
      b64url(`${t}!`),
      hex(t).toUpperCase(),
      every(t, (c) => `&#${c};`),
      every(t, (c) => `\\u00${c.toString(16).padStart(2, '0')}`),
      [...t].join(' '),
      Buffer.from(t, 'utf16le').toString('latin1'),
      t.slice(1, 1 + MIN_RUN),
    ];
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), fc.nat(9), fc.string({ maxLength: 40 }), fc.string({ maxLength: 12 }), (before, which, after, prefix) => {
        const text = `${before}${prefix}${forms(TOKEN)[which]!}${after}`;
        const out = redact(text);
        expect(leaks(out)).toBe(false);
        // What was not part of a match is still there.
        expect(out.startsWith(before.slice(0, Math.max(0, before.length - MIN_RUN)))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('M1 property: on text with nothing to decode, the spans are exactly where a naive search finds 16-character windows', () => {
    const windows = new Set(encodedForms(TOKEN).flatMap((form) => Array.from({ length: form.length - MIN_RUN + 1 }, (_, i) => fold(form).slice(i, i + MIN_RUN))));
    // Pieces of the token and of its encodings, glued with characters that need no decoding.
    const piece = fc.oneof(
      fc.constantFrom(TOKEN, TOKEN.toUpperCase(), b64(TOKEN).replaceAll('=', ''), hex(TOKEN)).chain((f) => fc.tuple(fc.nat(f.length), fc.nat(f.length)).map(([a, b]) => f.slice(Math.min(a, b), Math.max(a, b)))),
      fc.stringMatching(/^[A-Za-z0-9.+/-]{0,6}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (pieces) => {
        const text = pieces.join('');
        const covered = new Array<boolean>(text.length).fill(false);
        const folded = fold(text);
        for (let i = 0; i + MIN_RUN <= text.length; i++) if (windows.has(folded.slice(i, i + MIN_RUN))) covered.fill(true, i, i + MIN_RUN);
        const got = new Array<boolean>(text.length).fill(false);
        const flat = matcher.spans(text);
        for (let i = 0; i < flat.length; i += 2) got.fill(true, flat[i], flat[i + 1]);
        expect(got).toEqual(covered);
      }),
      { numRuns: 500 },
    );
  });
});
