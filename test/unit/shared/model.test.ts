import { describe, expect, expectTypeOf, it } from 'vitest';
import { CredentialDetail, CredentialSummary, SECRET_FIELD_NAMES, type CredentialSummary as Summary } from '../../../shared/model.ts';

type SecretKeys = (typeof SECRET_FIELD_NAMES)[number];

function keysOf(schema: { shape: Record<string, unknown> }): string[] {
  return Object.keys(schema.shape);
}

const sample: Summary = {
  name: 'github',
  kind: 'static',
  hosts: ['https://api.github.com'],
  scopes: ['repo'],
  audience: [],
  subject: null,
  issuer: null,
  authPolicy: 'reject',
  allowInsecureLoopback: false,
  expiresAt: null,
  status: 'valid',
  lastUsedAt: null,
  lastRefreshAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  tokenTail: 'abcd',
};

describe('shared/model', () => {
  it('E5 CredentialSummary has no secret-bearing field (type level)', () => {
    expectTypeOf<Extract<keyof Summary, SecretKeys>>().toEqualTypeOf<never>();
    expectTypeOf<Extract<keyof CredentialDetail, SecretKeys>>().toEqualTypeOf<never>();
  });

  it('E5 CredentialSummary and CredentialDetail have no secret-bearing field (runtime)', () => {
    for (const key of [...keysOf(CredentialSummary), ...keysOf(CredentialDetail)]) {
      expect(SECRET_FIELD_NAMES as readonly string[]).not.toContain(key);
      expect(key.toLowerCase()).not.toMatch(/^(access|refresh|id)?_?token$|secret|passphrase/);
    }
  });

  it('S7 a summary that smuggles a token field is rejected by the strict schema', () => {
    expect(CredentialSummary.safeParse(sample).success).toBe(true);
    expect(CredentialSummary.safeParse({ ...sample, accessToken: 'canary-token-value' }).success).toBe(false);
  });

  it('S7 tokenTail can hold at most 4 characters', () => {
    expect(CredentialSummary.safeParse({ ...sample, tokenTail: 'abcde' }).success).toBe(false);
  });
});
