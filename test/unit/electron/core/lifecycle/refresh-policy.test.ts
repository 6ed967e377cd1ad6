import { describe, expect, it } from 'vitest';
import type { CredentialRecord, TokenSet } from '../../../../../electron/core/credentials/credential-record.ts';
import { isRefreshDue, refreshDueAt, statusOf } from '../../../../../electron/core/lifecycle/refresh-policy.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');

function tokens(lifetimeMs: number | undefined): TokenSet {
  return {
    accessToken: 'a',
    tokenType: 'Bearer',
    receivedAt: new Date(T0).toISOString(),
    ...(lifetimeMs !== undefined ? { expiresAt: new Date(T0 + lifetimeMs).toISOString() } : {}),
    scopes: [],
  };
}

function record(overrides: Partial<CredentialRecord>): CredentialRecord {
  return {
    id: 'id_0123456789abcdef',
    name: 'x',
    kind: 'oauth',
    hosts: ['https://api.example.com'],
    authPolicy: 'reject',
    allowInsecureLoopback: false,
    state: 'active',
    revision: 0,
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    ...overrides,
  };
}

describe('O6 refresh margin', () => {
  it.each([
    ['a 1-hour token 60 s early', 3_600_000, 3_540_000],
    ['a 10-second token 2 s early', 10_000, 8_000],
    ['a 120-second token at 96 s', 120_000, 96_000],
    ['a 5-minute token 60 s early', 300_000, 240_000],
  ])('O6 refreshes %s', (_label, lifetime, dueAfter) => {
    expect(refreshDueAt(tokens(lifetime))).toBe(T0 + dueAfter);
    expect(isRefreshDue(tokens(lifetime), T0 + dueAfter - 1)).toBe(false);
    expect(isRefreshDue(tokens(lifetime), T0 + dueAfter)).toBe(true);
  });

  it('never refreshes a token without an expiry', () => {
    expect(refreshDueAt(tokens(undefined))).toBeUndefined();
    expect(isRefreshDue(tokens(undefined), T0 + 10 ** 12)).toBe(false);
  });
});

describe('statusOf', () => {
  it.each([
    ['valid', record({ tokens: tokens(3_600_000) }), T0],
    ['expiring', record({ tokens: tokens(3_600_000) }), T0 + 3_550_000],
    ['expired', record({ tokens: tokens(3_600_000) }), T0 + 3_600_000],
    ['refresh-failed', record({ tokens: tokens(3_600_000), state: 'refresh-failed' }), T0 + 3_600_000],
    ['valid', record({ tokens: tokens(3_600_000), state: 'refresh-failed' }), T0],
    ['needs-login', record({ tokens: tokens(3_600_000), state: 'needs-login' }), T0],
    ['revoked', record({ state: 'revoked' }), T0],
    ['needs-login', record({}), T0],
    ['expired', record({ kind: 'static' }), T0],
    ['valid', record({ kind: 'static', tokens: tokens(undefined) }), T0 + 10 ** 12],
    // A static token can't refresh itself: warn 10 minutes ahead, whatever its receipt time says.
    ['expiring', record({ kind: 'static', tokens: tokens(38_000) }), T0],
    ['valid', record({ kind: 'static', tokens: tokens(3_600_000) }), T0 + 3_000_000 - 1],
    ['expiring', record({ kind: 'static', tokens: tokens(3_600_000) }), T0 + 3_000_001],
    ['valid', record({ kind: 'oauth', tokens: { ...tokens(3_600_000), refreshToken: 'r' } }), T0 + 3_000_001],
    // an OAuth token that will not be refreshed (no refresh token, not client credentials) is amber too.
    ['expiring', record({ kind: 'oauth', tokens: tokens(3_600_000), oauth: { issuer: 'https://i.example', clientId: 'c', grant: 'auth-code' } }), T0 + 3_000_001],
    ['valid', record({ kind: 'oauth', tokens: tokens(3_600_000), oauth: { issuer: 'https://i.example', clientId: 'c', grant: 'client-credentials' } }), T0 + 3_000_001],
    ['valid', record({ kind: 'exec', tokens: tokens(3_600_000), exec: { command: 'x' } }), T0 + 3_000_001],
  ] as const)('is %s', (status, r, now) => {
    expect(statusOf(r, now)).toBe(status);
  });
});
