import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../../../../electron/core/credentials/credential-record.ts';
import { credentialSecretSpans } from '../../../../../electron/core/redaction/credential-secret-spans.ts';
import { applySpans, findSecretSpans, matcherFor, mergeSpans, REDACTION_MARKER, secretForms } from '../../../../../electron/core/redaction/secret-spans.ts';

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

  it('M1 each plain form is searched in its encodings, in any case and escaped, as the owner and the MCP key check do', () => {
    const key = 'twk_0123456789abcdefghijklmnopqrstuv';
    const forms = secretForms(key);
    const text = [
      Buffer.from(`Bearer ${key}`).toString('base64'),
      Buffer.from(key).toString('hex').toUpperCase(),
      key.toUpperCase(),
      [...key].map((c) => `&#${c.charCodeAt(0)};`).join(''),
      `invalid key: ${key.slice(0, -2)}`,
    ].join('\n');
    const out = applySpans(text, findSecretSpans(text, forms));
    const marker = '\\[redacted by tokenwarden\\]';
    // The base64 keeps "Bearer " and the few characters that mix its bits with the key's first and last bits.
    const expected = [`^QmVhcmVyI.?${marker}.{0,3}$`, `^${marker}$`, `^${marker}$`, `^${marker}$`, `^invalid key: ${marker}$`];
    out.split('\n').forEach((line, i) => expect(line).toMatch(new RegExp(expected[i]!)));
    expect(matcherFor(forms)).toBe(matcherFor(forms));
  });

  it('M1 the owner check covers every secret of the record and the extra ones, and reports the longest plain form', () => {
    const record = { name: 'api', tokens: { accessToken: 'access-token-0123456789abcdef', refreshToken: 'refresh/token+0123456789==' } } as unknown as CredentialRecord;
    const proxyKey = 'proxy-key-material-0123456789';
    const texts = [Buffer.from(`Bearer ${record.tokens!.accessToken}`).toString('base64url'), Buffer.from(record.tokens!.refreshToken!).toString('hex'), proxyKey.toUpperCase()];
    const result = credentialSecretSpans(record, [proxyKey], texts);
    expect(result.spans.every((spans) => spans.length === 2)).toBe(true);
    // Percent-encoding is the longest plain form of the refresh token: "/", "+" and "=" take 3 characters each.
    expect(result.longestForm).toBe(encodeURIComponent(record.tokens!.refreshToken!).length);
  });
});
