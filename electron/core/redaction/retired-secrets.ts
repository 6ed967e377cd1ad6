/**
 * Secrets a credential held until recently: a refresh or rotate replaced them, but a response to a request sent
 * just before (or an upstream that echoes what it saw) can still carry one. MCP redaction keeps matching them for
 * a while (SECURITY M1). They are dropped on lock like every other secret (S6).
 */
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { recordSecrets } from './credential-secret-spans.ts';

export interface RetiredSecretsOptions {
  /** How long a replaced secret is still redacted (default 15 minutes, a long upstream request's lifetime). */
  ttlMs?: number;
  /** Per credential, the most recent replaced secrets kept (default 8). */
  maxPerCredential?: number;
  now?: () => number;
}

export class RetiredSecrets {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  /** The record objects seen last: records are replaced, never mutated, so identity tells what changed. */
  #seen = new Map<string, CredentialRecord>();
  #retired = new Map<string, { secret: string; until: number }[]>();

  constructor(options: RetiredSecretsOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 15 * 60_000;
    this.#max = options.maxPerCredential ?? 8;
    this.#now = options.now ?? Date.now;
  }

  /** After every vault change: secrets that left a record (or a removed record) become retired. */
  observe(records: readonly CredentialRecord[]): void {
    const next = new Map<string, CredentialRecord>();
    for (const record of records) {
      next.set(record.name, record);
      const before = this.#seen.get(record.name);
      if (before && before !== record) this.#retire(record.name, recordSecrets(before), recordSecrets(record));
    }
    for (const [name, before] of this.#seen) if (!next.has(name)) this.#retire(name, recordSecrets(before), []);
    this.#seen = next;
  }

  /** The replaced secrets of `name` that are still redacted. */
  for(name: string): string[] {
    const list = this.#retired.get(name);
    if (!list) return [];
    const now = this.#now();
    const live = list.filter((r) => r.until > now);
    if (live.length === 0) this.#retired.delete(name);
    else if (live.length !== list.length) this.#retired.set(name, live);
    return live.map((r) => r.secret);
  }

  /** S6: on lock, no reference to any secret, current or retired, is kept. */
  clear(): void {
    this.#seen = new Map();
    this.#retired = new Map();
  }

  #retire(name: string, before: string[], after: string[]): void {
    const gone = before.filter((secret) => !after.includes(secret));
    if (gone.length === 0) return;
    const until = this.#now() + this.#ttlMs;
    const list = [...(this.#retired.get(name) ?? []), ...gone.map((secret) => ({ secret, until }))];
    this.#retired.set(name, list.slice(-this.#max));
  }
}
