/** A token bucket whose burst equals the per-unit count (`10/s` holds 10, refilling one every 100 ms); the clock is injected. */

export interface TokenBucketOptions {
  /** Tokens per period; also the burst. */
  count: number;
  periodMs: number;
  /** Milliseconds, monotonic; tests pass a fake clock. */
  clock?: () => number;
}

export class TokenBucket {
  readonly count: number;
  readonly periodMs: number;
  readonly #clock: () => number;
  #tokens: number;
  #at: number;

  constructor(options: TokenBucketOptions) {
    this.count = options.count;
    this.periodMs = options.periodMs;
    this.#clock = options.clock ?? (() => performance.now());
    this.#tokens = options.count;
    this.#at = this.#clock();
  }

  /** Milliseconds until one token is available (0 = now). Does not take it. */
  waitMs(): number {
    this.#refill();
    if (this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) * this.periodMs) / this.count);
  }

  /** Takes one token; the caller checked waitMs() first in the same tick, so this never goes below zero. */
  take(): void {
    this.#refill();
    this.#tokens = Math.max(0, this.#tokens - 1);
  }

  #refill(): void {
    const now = this.#clock();
    const elapsed = now - this.#at;
    if (elapsed <= 0) return;
    this.#at = now;
    this.#tokens = Math.min(this.count, this.#tokens + (elapsed * this.count) / this.periodMs);
  }
}
