import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../../../../electron/core/access/token-bucket.ts';

describe('token bucket under a fake clock', () => {
  it('bursts to the per-unit count, then refills one token per period/count', () => {
    let now = 1_000;
    const bucket = new TokenBucket({ count: 10, periodMs: 1_000, clock: () => now });
    for (let i = 0; i < 10; i++) {
      expect(bucket.waitMs()).toBe(0);
      bucket.take();
    }
    expect(bucket.waitMs()).toBe(100);
    now += 50;
    expect(bucket.waitMs()).toBe(50);
    now += 50;
    expect(bucket.waitMs()).toBe(0);
    bucket.take();
    expect(bucket.waitMs()).toBe(100);
  });

  it('never holds more than the burst, however long it idles', () => {
    let now = 0;
    const bucket = new TokenBucket({ count: 3, periodMs: 60_000, clock: () => now });
    now += 10 * 3_600_000;
    for (let i = 0; i < 3; i++) bucket.take();
    expect(bucket.waitMs()).toBe(20_000);
  });

  it('5000/h allows 5000 at once and then one every 720 ms', () => {
    let now = 0;
    const bucket = new TokenBucket({ count: 5000, periodMs: 3_600_000, clock: () => now });
    let taken = 0;
    while (bucket.waitMs() === 0) {
      bucket.take();
      taken++;
    }
    expect(taken).toBe(5000);
    expect(bucket.waitMs()).toBe(720);
    now += 720;
    expect(bucket.waitMs()).toBe(0);
  });

  it('a clock that goes backwards does not mint tokens', () => {
    let now = 10_000;
    const bucket = new TokenBucket({ count: 1, periodMs: 1_000, clock: () => now });
    bucket.take();
    now -= 5_000;
    expect(bucket.waitMs()).toBeGreaterThan(0);
  });
});
