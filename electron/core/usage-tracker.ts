/** Last-used times kept in memory and flushed in batches: persisting on every proxied request would make the vault the bottleneck. */
import type { Vault } from './vault/vault.ts';

export class UsageTracker {
  readonly #vault: Vault;
  readonly #now: () => Date;
  readonly #pending = new Map<string, string>();

  constructor(options: { vault: Vault; now: () => Date }) {
    this.#vault = options.vault;
    this.#now = options.now;
  }

  touch(name: string): void {
    this.#pending.set(name, this.#now().toISOString());
  }

  lastUsed(name: string): string | undefined {
    return this.#pending.get(name);
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  async flush(): Promise<void> {
    if (this.#vault.isLocked()) return;
    const entries = [...this.#pending];
    this.#pending.clear();
    for (const [name, at] of entries) {
      if (!this.#vault.get(name)) continue;
      await this.#vault.update(name, (r) => ({ ...r, lastUsedAt: at }));
    }
  }
}
