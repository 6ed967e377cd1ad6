/** Background refresh timers: each wanted credential refreshes just before it is due, so requests seldom wait. */
import type { CredentialRecord } from '../credentials/credential-record.ts';
import type { CredentialStore } from './credential-store.ts';
import { refreshDueAt } from './refresh-policy.ts';

type Timers = { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };

export interface RefreshSchedulerOptions {
  store: CredentialStore;
  now: () => number;
  timers: Timers;
  /** When backoff or an open circuit forbids calling the IdP, or 0. */
  blockedUntil: (name: string, issuer: string | undefined, now: number) => number;
  refresh: (name: string) => Promise<unknown>;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MIN_RETRY_MS = 1_000;
/** No timer fires sooner than this: a token with no usable lifetime must not re-arm at 0 ms in a loop (F8). */
export const MIN_REARM_MS = 1_000;

export class RefreshScheduler {
  readonly #o: RefreshSchedulerOptions;
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #wanted = new Set<string>();

  constructor(options: RefreshSchedulerOptions) {
    this.#o = options;
  }

  isWanted(name: string): boolean {
    return this.#wanted.has(name);
  }

  schedule(name: string): void {
    this.#wanted.add(name);
    this.#clear(name);
    const record = this.#read(name);
    if (!record?.tokens || record.kind === 'static' || record.state === 'needs-login' || record.state === 'revoked') return;
    const due = refreshDueAt(record.tokens);
    if (due === undefined) return;
    const now = this.#o.now();
    const at = Math.max(due, this.#o.blockedUntil(name, record.oauth?.issuer, now));
    this.#arm(name, at - now, () => {
      void this.#o
        .refresh(name)
        .catch(() => undefined)
        .finally(() => {
          // A success reschedules through the manager; a failure leaves the due time in the past, so never spin.
          if (this.#wanted.has(name) && !this.#timers.has(name)) this.#arm(name, this.#retryDelay(name), () => this.schedule(name));
        });
    });
  }

  unschedule(name: string): void {
    this.#wanted.delete(name);
    this.#clear(name);
  }

  stop(): void {
    this.#wanted.clear();
    for (const name of [...this.#timers.keys()]) this.#clear(name);
  }

  #arm(name: string, delay: number, fire: () => void): void {
    const timer = this.#o.timers.setTimeout(() => {
      this.#timers.delete(name);
      if (this.#wanted.has(name)) fire();
    }, Math.min(MAX_TIMER_MS, Math.max(MIN_REARM_MS, delay)));
    (timer as { unref?: () => void }).unref?.();
    this.#timers.set(name, timer);
  }

  #retryDelay(name: string): number {
    const record = this.#read(name);
    const now = this.#o.now();
    const blocked = this.#o.blockedUntil(name, record?.oauth?.issuer, now);
    const due = record?.tokens ? (refreshDueAt(record.tokens) ?? 0) : 0;
    return Math.max(MIN_RETRY_MS, Math.max(blocked, due) - now);
  }

  #read(name: string): CredentialRecord | undefined {
    try {
      return this.#o.store.get(name);
    } catch {
      return undefined; // locked: nothing to refresh until unlock reschedules
    }
  }

  #clear(name: string): void {
    const timer = this.#timers.get(name);
    if (timer !== undefined) this.#o.timers.clearTimeout(timer);
    this.#timers.delete(name);
  }
}
