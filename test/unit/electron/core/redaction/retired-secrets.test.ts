import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../../../../electron/core/credentials/credential-record.ts';
import { RetiredSecrets } from '../../../../../electron/core/redaction/retired-secrets.ts';

const rec = (name: string, accessToken: string, refreshToken?: string): CredentialRecord =>
  ({ name, tokens: { accessToken, ...(refreshToken ? { refreshToken } : {}) } }) as unknown as CredentialRecord;

describe('RetiredSecrets (M1, S6)', () => {
  it('M1 a replaced access or refresh token is kept for the TTL; an unchanged one is not retired', () => {
    let now = 0;
    const retired = new RetiredSecrets({ ttlMs: 1000, now: () => now });
    retired.observe([rec('a', 'at-1', 'rt-1'), rec('b', 'bt-1')]);
    retired.observe([rec('a', 'at-2', 'rt-1'), rec('b', 'bt-1')]);
    expect(retired.for('a')).toEqual(['at-1']);
    expect(retired.for('b')).toEqual([]);
    now = 999;
    expect(retired.for('a')).toEqual(['at-1']);
    now = 1000;
    expect(retired.for('a')).toEqual([]);
  });

  it('M1 a removed credential retires all its secrets; the list per credential is bounded', () => {
    const retired = new RetiredSecrets({ maxPerCredential: 2 });
    retired.observe([rec('a', 'at-1', 'rt-1')]);
    retired.observe([]);
    expect(retired.for('a').sort()).toEqual(['at-1', 'rt-1']);
    retired.observe([rec('a', 'at-2')]);
    retired.observe([rec('a', 'at-3')]);
    expect(retired.for('a')).toEqual(['rt-1', 'at-2']);
  });

  it('S6 clear drops every retired secret and forgets the records seen', () => {
    const retired = new RetiredSecrets();
    retired.observe([rec('a', 'at-1')]);
    retired.observe([rec('a', 'at-2')]);
    retired.clear();
    expect(retired.for('a')).toEqual([]);
    // After a clear (lock), the first observation is a baseline: nothing is retired by it.
    retired.observe([rec('a', 'at-3')]);
    expect(retired.for('a')).toEqual([]);
  });
});
