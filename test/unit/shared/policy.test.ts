import { describe, expect, it } from 'vitest';
import { AccessKeyInput, durationMessage, keyExpiresText, parseRate, Policy, policyFromFields, POLICY_MESSAGES, readDuration, StoredPolicy } from '../../../shared/policy.ts';

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
    expect(['90s', '10m', '2h', '7d', ' 3D '].map((t) => readDuration(t))).toEqual([{ seconds: 90 }, { seconds: 600 }, { seconds: 7200 }, { seconds: 604800 }, { seconds: 259200 }]);
    for (const text of ['-1', '0', '0s', '400d', 'soon', '1w', '']) expect(readDuration(text)).toEqual({ problem: POLICY_MESSAGES.ttl, unitless: false });
  });

  it('a bare number is refused with a hint instead of being read as seconds', () => {
    expect(readDuration('15')).toEqual({ problem: '15 has no unit: 15s or 15m?', unitless: true });
    expect(readDuration(' 600 ')).toMatchObject({ unitless: true });
  });

  it('one parser for every bound: the message names the caller\'s maximum', () => {
    expect(durationMessage()).toBe(POLICY_MESSAGES.ttl);
    expect(readDuration('31d', 30 * 86_400)).toEqual({ problem: durationMessage(30 * 86_400), unitless: false });
    expect(durationMessage(30 * 86_400)).toContain('at most 30d');
    expect(readDuration('3650d', 3650 * 86_400)).toEqual({ seconds: 3650 * 86_400 });
  });

  it('methods: GET,post is GET,POST; an unknown verb is refused with the known ones', () => {
    expect(policyFromFields({ methods: 'GET,post' })).toEqual({ policy: { methods: ['GET', 'POST'] }, errors: {} });
    expect(policyFromFields({ methods: 'GET,FETCH' }).errors.methods).toBe(`Unknown method FETCH. ${POLICY_MESSAGES.methodsUnknown}`);
    expect(policyFromFields({ methods: 'fetch, grab' }).errors.methods).toBe(`Unknown methods FETCH, GRAB. ${POLICY_MESSAGES.methodsUnknown}`);
    expect(policyFromFields({ methods: 'GET,' + 'x'.repeat(21) }).errors.methods).toBe(POLICY_MESSAGES.methods);
  });

  it('the owner refuses a policy naming an unknown method from any face (IPC, control socket, keys)', () => {
    expect(Policy.safeParse({ methods: ['FETCH'] }).success).toBe(false);
    expect(Policy.safeParse({ methods: ['get', 'Delete'] })).toMatchObject({ success: true, data: { methods: ['GET', 'DELETE'] } });
    expect(AccessKeyInput.safeParse({ for: ['api'], methods: ['FETCH'] }).success).toBe(false);
    // A record an older version stored keeps loading and saving; only new policies are checked.
    expect(StoredPolicy.safeParse({ methods: ['GET', 'FETCH'] })).toMatchObject({ success: true, data: { methods: ['GET', 'FETCH'] } });
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
  const now = Date.parse('2026-12-01T00:00:00Z');

  it('a future expiry reads "in 15m", a past one "expired 3h ago", never "just now"', () => {
    expect(keyExpiresText({ expiresAt: '2026-12-01T00:15:00Z' }, now)).toBe('in 15m');
    expect(keyExpiresText({ expiresAt: '2026-12-01T02:00:00Z' }, now)).toBe('in 2h');
    expect(keyExpiresText({ expiresAt: '2026-12-04T00:00:00Z' }, now)).toBe('in 3d');
    expect(keyExpiresText({ expiresAt: '2026-11-30T21:00:00Z' }, now)).toBe('expired 3h ago');
  });

  it('A6 a connection-bound key ends "with its command" unless it has an expiry; a key with neither, never', () => {
    expect(keyExpiresText({ expiresAt: '2026-12-01T00:10:00Z', whileConnected: true }, now)).toBe('in 10m');
    expect(keyExpiresText({ expiresAt: null, whileConnected: true }, now)).toBe('with its command');
    expect(keyExpiresText({ expiresAt: null }, now)).toBe('never');
  });
});
