import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applySpans, findSecretSpans, mergeSpans, REDACTION_MARKER, secretForms } from '../../../../../electron/core/redaction/secret-spans.ts';

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

  it('M1 an open-ended text always loses its last (longest form - 1) characters, whatever they are', () => {
    const longest = Math.max(...secretForms(TOKEN).map((f) => f.length));
    const cut = `xyz ${TOKEN.slice(0, 6)}`;
    expect(applySpans(cut, findSecretSpans(cut, [TOKEN]))).toBe(cut);
    const head = 'h'.repeat(40);
    expect(applySpans(`${head}${TOKEN.slice(0, 6)}`, findSecretSpans(`${head}${TOKEN.slice(0, 6)}`, secretForms(TOKEN), { openEnd: true }))).toBe(
      `${head.slice(0, 46 - (longest - 1))}${REDACTION_MARKER}`,
    );
    expect(applySpans('short', findSecretSpans('short', secretForms(TOKEN), { openEnd: true }))).toBe(REDACTION_MARKER);
  });

  it('M1 no prefix oracle: for a cut text, the output does not depend on whether its tail starts a token', () => {
    const head = 'q'.repeat(64);
    const outs = new Set<string>();
    for (const tail of [TOKEN.slice(0, 1), 'x', TOKEN.slice(0, 3), 'xyz', TOKEN.slice(0, 5), 'xyzab', TOKEN.slice(0, TOKEN.length - 1), 'y'.repeat(TOKEN.length - 1)]) {
      const text = `${head}${tail.padStart(TOKEN.length - 1, 'q')}`;
      outs.add(applySpans(text, findSecretSpans(text, secretForms(TOKEN), { openEnd: true })));
    }
    expect(outs.size).toBe(1);
  });

  it('merges overlapping and touching spans', () => {
    expect(mergeSpans([[5, 8], [0, 2], [1, 3], [3, 4], [8, 9]])).toEqual([0, 4, 5, 9]);
  });

  it('M1 property: after redaction no form and no trailing prefix of the token remains', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string(), fc.constantFrom(...secretForms(TOKEN))), { maxLength: 8 }), fc.nat(), (parts, cutAt) => {
        const full = parts.join('');
        const text = full.slice(0, full.length === 0 ? 0 : cutAt % (full.length + 1));
        const out = applySpans(text, findSecretSpans(text, secretForms(TOKEN), { openEnd: true }));
        for (const form of secretForms(TOKEN)) {
          expect(out).not.toContain(form);
          for (let n = 1; n < form.length; n++) expect(out.endsWith(form.slice(0, n))).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});
