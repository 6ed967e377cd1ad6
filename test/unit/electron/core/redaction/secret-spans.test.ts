import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySpans, findSecretSpans, mergeSpans, OPEN_END_MIN_PREFIX, REDACTION_MARKER, secretForms } from '../../../../../electron/core/redaction/secret-spans.ts';

const TOKEN = 'ghp_a/b+c=d"e\\f';

describe('secret spans', () => {
  it('M1 knows the raw, JSON-escaped, slash-escaped and percent-encoded forms', () => {
    expect(new Set(secretForms(TOKEN))).toEqual(new Set([TOKEN, 'ghp_a/b+c=d\\"e\\\\f', 'ghp_a\\/b+c=d\\"e\\\\f', encodeURIComponent(TOKEN)]));
    expect(secretForms('')).toEqual([]);
  });

  it('M1 replaces every occurrence of every form', () => {
    const text = `a ${TOKEN} b ${JSON.stringify({ t: TOKEN })} c ${encodeURIComponent(TOKEN)}${TOKEN}`;
    const out = applySpans(text, findSecretSpans(text, secretForms(TOKEN)));
    for (const form of secretForms(TOKEN)) expect(out).not.toContain(form);
    expect(out).toBe(`a ${REDACTION_MARKER} b {"t":"${REDACTION_MARKER}"} c ${REDACTION_MARKER}`);
  });

  it('M1 covers a trailing start of a token only when the text is open-ended and the start is long enough', () => {
    const cut = `xyz ${TOKEN.slice(0, 6)}`;
    expect(applySpans(cut, findSecretSpans(cut, [TOKEN]))).toBe(cut);
    expect(applySpans(cut, findSecretSpans(cut, [TOKEN], { openEnd: true }))).toBe(`xyz ${REDACTION_MARKER}`);
    const short = `xyz ${TOKEN.slice(0, OPEN_END_MIN_PREFIX - 1)}`;
    expect(applySpans(short, findSecretSpans(short, [TOKEN], { openEnd: true }))).toBe(short);
  });

  it('merges overlapping and touching spans', () => {
    expect(mergeSpans([[5, 8], [0, 2], [1, 3], [3, 4], [8, 9]])).toEqual([0, 4, 5, 9]);
  });

  it('M1 property: after redaction no form and no long trailing prefix of the token remains', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...secretForms(TOKEN))), { maxLength: 8 }), fc.nat(), (parts, cutAt) => {
        const full = parts.join('');
        const text = full.slice(0, full.length === 0 ? 0 : cutAt % (full.length + 1));
        const out = applySpans(text, findSecretSpans(text, secretForms(TOKEN), { openEnd: true }));
        for (const form of secretForms(TOKEN)) {
          expect(out).not.toContain(form);
          for (let n = OPEN_END_MIN_PREFIX; n < form.length; n++) expect(out.endsWith(form.slice(0, n))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
