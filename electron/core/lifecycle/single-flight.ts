/** Keyed single-flight: every caller for one key shares the one in-flight promise (SECURITY R3). */
export class SingleFlight<T> {
  readonly #inflight = new Map<string, Promise<T>>();

  /** Must stay synchronous up to the map write, so concurrent callers can never both miss. */
  run(key: string, work: () => Promise<T>): Promise<T> {
    const existing = this.#inflight.get(key);
    if (existing) return existing;
    const promise = work().finally(() => {
      if (this.#inflight.get(key) === promise) this.#inflight.delete(key);
    });
    this.#inflight.set(key, promise);
    return promise;
  }

  has(key: string): boolean {
    return this.#inflight.has(key);
  }

  /** Resolves once the flight for `key` (if any) has finished, whatever its outcome. */
  async settled(key: string): Promise<void> {
    await this.#inflight.get(key)?.catch(() => undefined);
  }

  /** Resolves once no flight is left, including flights that start while earlier ones finish. */
  async drain(): Promise<void> {
    while (this.#inflight.size > 0) await Promise.allSettled([...this.#inflight.values()]);
  }
}
