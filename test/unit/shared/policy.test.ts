import { describe, expect, it } from 'vitest';
import { AccessKeyInput, keyExpiresText, parseDuration, parseRate, Policy, policyFromFields, POLICY_MESSAGES } from '../../../shared/policy.ts';

describe('shared/policy: one human message per bad value, for the CLI and the UI', () => {
  it.each([
    ['0/s', POLICY_MESSAGES.rateZero],
    ['banana', POLICY_MESSAGES.rate],
    ['10/fortnight', POLICY_MESSAGES.rate],
    ['-1/s', POLICY_MESSAGES.rate],
    ['2000000/s', POLICY_MESSAGES.rateHigh],
  ])('rate %s -> %s', (text, message) => {
    expect(policyFromFields({ rate: text }).errors.rate).toBe(message);
  });

  it('canonicalises rates and methods', () => {
    expect(parseRate('600/minute')).toMatchObject({ count: 600, unit: 'min', perMs: 60_000 });
    expect(policyFromFields({ rate: '5000/h', methods: 'get, head,GET' }).policy).toEqual({ rate: '5000/h', methods: ['GET', 'HEAD'] });
  });

  it.each([
    ['repos/*', POLICY_MESSAGES.paths],
    ['/a b', POLICY_MESSAGES.pathChars],
    ['/a/../b', POLICY_MESSAGES.pathDots],
    ['/a/%2e', POLICY_MESSAGES.pathChars],
    ['/a/x**', POLICY_MESSAGES.pathGlobstar],
  ])('path %s -> %s', (text, message) => {
    expect(policyFromFields({ paths: text }).errors.paths).toBe(message);
  });

  it('refuses 0, negative and fractional counts with the same sentence', () => {
    for (const text of ['0', '-1', '1.5', 'x']) {
      expect(policyFromFields({ maxUses: text }).errors.maxUses).toBe(POLICY_MESSAGES.maxUses);
      expect(policyFromFields({ concurrency: text }).errors.concurrency).toBe(POLICY_MESSAGES.concurrency);
    }
  });

  it('durations: 90s, 10m, 2h, 7d; -1, 0 and more than a year are refused', () => {
    expect([parseDuration('90s'), parseDuration('10m'), parseDuration('2h'), parseDuration('7d'), parseDuration('30')]).toEqual([90, 600, 7200, 604800, 30]);
    expect([parseDuration('-1'), parseDuration('0'), parseDuration('400d'), parseDuration('soon')]).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('the stored schemas reject the same bad values (the owner checks again)', () => {
    expect(Policy.safeParse({ rate: '0/s' }).success).toBe(false);
    expect(Policy.safeParse({ maxUses: 0 }).success).toBe(false);
    expect(Policy.safeParse({ paths: ['nope'] }).success).toBe(false);
    expect(AccessKeyInput.safeParse({ for: ['api'], uses: 0 }).success).toBe(false);
    expect(AccessKeyInput.safeParse({ for: ['api'], ttlSeconds: -1 }).success).toBe(false);
    expect(AccessKeyInput.safeParse({ for: [] }).success).toBe(false);
    expect(AccessKeyInput.safeParse({ for: ['api'], label: 'ci\nx' }).success).toBe(false);
  });
});

describe('keyExpiresText: the Expires cell of `tkw key list` and the Access keys view', () => {
  it('A6 names the expiry in the caller\'s wording, a connection-bound key as "with its command", else never', () => {
    const when = (at: string) => `at ${at}`;
    expect(keyExpiresText({ expiresAt: '2026-12-01T00:00:00Z', whileConnected: true }, when)).toBe('at 2026-12-01T00:00:00Z');
    expect(keyExpiresText({ expiresAt: null, whileConnected: true }, when)).toBe('with its command');
    expect(keyExpiresText({ expiresAt: null }, when)).toBe('never');
  });
});
