import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../../../electron/core/lifecycle/backoff.ts';
import { retryAfterMs } from '../../../../../electron/core/oauth/retry-after.ts';

describe('R5 backoff', () => {
  it('R5 uses full jitter: the wait is random in [0, base * 2^(n-1)] capped', () => {
    const waits = (random: number) => {
      const b = new Backoff({ baseMs: 1_000, capMs: 8_000, random: () => random, circuitThreshold: 100 });
      return Array.from({ length: 6 }, () => b.fail('c', 'https://idp', 0));
    };
    expect(waits(0.999999)).toEqual([999, 1_999, 3_999, 7_999, 7_999, 7_999]);
    expect(waits(0)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('R5 honours a Retry-After longer than the jittered wait', () => {
    const b = new Backoff({ random: () => 0.1 });
    expect(b.fail('c', undefined, 1_000, 120_000)).toBe(120_000);
    expect(b.blockedUntil('c', undefined, 1_000 + 119_999)).toBe(121_000);
    expect(b.blockedUntil('c', undefined, 121_000)).toBe(0);
  });

  it('R5 opens a circuit per issuer after repeated failures, blocking sibling credentials, and closes on success', () => {
    const b = new Backoff({ random: () => 0.5, baseMs: 1_000, circuitThreshold: 3 });
    for (let i = 0; i < 3; i += 1) b.fail('a', 'https://idp-1', 0);
    expect(b.blockedUntil('b', 'https://idp-1', 0)).toBeGreaterThan(0);
    expect(b.blockedUntil('b', 'https://idp-2', 0)).toBe(0);
    b.succeed('a', 'https://idp-1');
    expect(b.blockedUntil('b', 'https://idp-1', 0)).toBe(0);
  });

  it.each([
    ['120', 0, 120_000],
    [' 5 ', 0, 5_000],
    ['Thu, 01 Jan 1970 00:01:00 GMT', 30_000, 30_000],
    ['soon', 0, undefined],
    [null, 0, undefined],
  ])('parses Retry-After %j', (value, now, expected) => {
    expect(retryAfterMs(value, now)).toBe(expected);
  });
});
