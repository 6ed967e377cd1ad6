/** Exponential backoff with full jitter per credential and a circuit breaker per issuer (SECURITY R5). */

export interface BackoffOptions {
  baseMs?: number;
  capMs?: number;
  /** Consecutive failures at one issuer that open its circuit. */
  circuitThreshold?: number;
  random?: () => number;
}

interface FailureState {
  failures: number;
  until: number;
}

export class Backoff {
  readonly #baseMs: number;
  readonly #capMs: number;
  readonly #threshold: number;
  readonly #random: () => number;
  readonly #credentials = new Map<string, FailureState>();
  readonly #issuers = new Map<string, FailureState>();

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? 1_000;
    this.#capMs = options.capMs ?? 5 * 60_000;
    this.#threshold = options.circuitThreshold ?? 3;
    this.#random = options.random ?? Math.random;
  }

  /** The time before which no call may be made for this credential or its issuer, or 0. */
  blockedUntil(name: string, issuer: string | undefined, now: number): number {
    const own = this.#credentials.get(name)?.until ?? 0;
    const circuit = issuer ? this.#issuers.get(issuer) : undefined;
    const open = circuit && circuit.failures >= this.#threshold ? circuit.until : 0;
    const until = Math.max(own, open);
    return until > now ? until : 0;
  }

  /** Records a failure; Retry-After wins over the jittered delay when it is longer. Returns the wait. */
  fail(name: string, issuer: string | undefined, now: number, retryAfterMs?: number): number {
    const state = this.#credentials.get(name) ?? { failures: 0, until: 0 };
    state.failures += 1;
    const ceiling = Math.min(this.#capMs, this.#baseMs * 2 ** (state.failures - 1));
    const jittered = Math.floor(this.#random() * ceiling);
    const wait = Math.max(jittered, retryAfterMs ?? 0);
    state.until = now + wait;
    this.#credentials.set(name, state);
    if (issuer) {
      const circuit = this.#issuers.get(issuer) ?? { failures: 0, until: 0 };
      circuit.failures += 1;
      circuit.until = Math.max(circuit.until, state.until);
      this.#issuers.set(issuer, circuit);
    }
    return wait;
  }

  succeed(name: string, issuer: string | undefined): void {
    this.#credentials.delete(name);
    if (issuer) this.#issuers.delete(issuer);
  }
}
