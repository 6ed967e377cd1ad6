/** At most `limit` requests in flight; the rest wait in order for up to `waitMs` (5 s), then get ERR_CONCURRENCY. */
import { TokenwardenError } from '../base/errors.ts';

export interface ConcurrencyGateOptions {
  limit: number;
  waitMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

interface Waiter {
  grant: (release: () => void) => void;
}

export const CONCURRENCY_WAIT_MS = 5_000;

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const t = setTimeout(fn, ms);
  t.unref?.();
  return { cancel: () => clearTimeout(t) };
};

export class ConcurrencyGate {
  readonly limit: number;
  readonly #waitMs: number;
  readonly #setTimer: NonNullable<ConcurrencyGateOptions['setTimer']>;
  readonly #queue: Waiter[] = [];
  #active = 0;

  constructor(options: ConcurrencyGateOptions) {
    this.limit = options.limit;
    this.#waitMs = options.waitMs ?? CONCURRENCY_WAIT_MS;
    this.#setTimer = options.setTimer ?? defaultTimer;
  }

  get active(): number {
    return this.#active;
  }

  get waiting(): number {
    return this.#queue.length;
  }

  /** A release function now when a slot is free (no promise, no tick), else a promise for one. */
  acquire(who: string, signal?: AbortSignal): (() => void) | Promise<() => void> {
    if (this.#active < this.limit && this.#queue.length === 0) {
      this.#active++;
      return this.#releaser();
    }
    return new Promise<() => void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: (release) => {
          timer.cancel();
          signal?.removeEventListener('abort', onAbort);
          resolve(release);
        },
      };
      const leave = (): void => {
        const i = this.#queue.indexOf(waiter);
        if (i >= 0) this.#queue.splice(i, 1);
      };
      // A1: a waiter whose client left must leave the queue, or it would take (and never free) the next slot.
      const onAbort = (): void => {
        timer.cancel();
        leave();
        reject(new TokenwardenError('ERR_CANCELLED', `${who}: the client left while waiting for a slot.`));
      };
      const timer = this.#setTimer(() => {
        signal?.removeEventListener('abort', onAbort);
        leave();
        reject(
          new TokenwardenError(
            'ERR_CONCURRENCY',
            `${who} allows ${this.limit} request${this.limit === 1 ? '' : 's'} in flight (rule: concurrency); this one waited ${this.#waitMs / 1000} s.`,
          ),
        );
      }, this.#waitMs);
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(waiter);
    });
  }

  #releaser(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.#queue.shift();
      // The slot passes straight to the next waiter, so a newcomer cannot overtake the queue.
      if (next) next.grant(this.#releaser());
      else this.#active--;
    };
  }
}
