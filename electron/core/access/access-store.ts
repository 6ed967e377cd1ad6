/**
 * The persisted access state: access keys (hashes and metadata) and credential use counts, in one vault secret.
 * Uses are taken in memory synchronously (exact under concurrency) and written with group commit before the
 * request goes upstream, so a crash or restart can never hand out a use twice (SECURITY A2).
 */
import { z } from 'zod';
import { TokenwardenError } from '../base/errors.ts';
import { StoredKey } from './access-keys.ts';

export const ACCESS_SECRET = 'access-state';

/** What the store needs from the vault: encrypted named secrets, written in its write queue. */
export interface SecretStore {
  isLocked(): boolean;
  getSecret(name: string): string | undefined;
  setSecret(name: string, value: string | undefined): Promise<void>;
}

const AccessState = z
  .object({
    v: z.literal(1),
    keys: z.array(StoredKey),
    /** Credential record id -> uses taken under the current maxUses. */
    uses: z.record(z.string(), z.number().int().nonnegative()),
  })
  .strict();
type AccessState = z.infer<typeof AccessState>;

/** Active keys allowed at once; the state must stay well under the vault's 64 KiB secret limit. */
export const MAX_ACTIVE_KEYS = 100;
/** Ended keys (revoked, expired, used up) stay listed this long, then are dropped. */
export const ENDED_KEY_RETENTION_MS = 24 * 3_600_000;
const MAX_ENDED_KEYS = 30;

export class AccessStore {
  readonly #vault: SecretStore;
  #keys: StoredKey[] = [];
  #byHash = new Map<string, StoredKey>();
  #byId = new Map<string, StoredKey>();
  #uses = new Map<string, number>();
  /** Loaded for the current unlock; reset on lock, while the key table itself is kept for P1. */
  #loaded = false;
  /** `whileConnected` keys whose creator's connection is open in this process; any other such key is revoked. */
  readonly #connected = new Set<string>();
  /** Keys already reported through `onEnded`: a revocation redone after an unlock is not a second event. */
  readonly #reported = new Set<string>();
  #saving: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  readonly #now: () => Date;
  readonly #onEnded: ((id: string) => void) | undefined;

  /** `onEnded`: a `whileConnected` key was revoked because its connection is gone (for the audit trail). */
  constructor(vault: SecretStore, options: { now?: () => Date; onEnded?: (id: string) => void } = {}) {
    this.#vault = vault;
    this.#now = options.now ?? (() => new Date());
    this.#onEnded = options.onEnded;
  }

  /** Reads the state after an unlock. A locked vault keeps the last table: it holds hashes, never keys (P1). */
  #ensure(): void {
    if (this.#loaded || this.#vault.isLocked()) return;
    const text = this.#vault.getSecret(ACCESS_SECRET);
    let state: AccessState = { v: 1, keys: [], uses: {} };
    if (text) {
      const parsed = AccessState.safeParse(JSON.parse(text));
      if (!parsed.success) throw new TokenwardenError('ERR_CORRUPT', 'The stored access keys are damaged; they cannot be used.');
      state = parsed.data;
    }
    this.#set(state.keys);
    this.#uses = new Map(Object.entries(state.uses));
    this.#loaded = true;
    this.#revokeDisconnected();
  }

  /**
   * A `whileConnected` key is good only while its creator's connection is open in this process. One from an
   * earlier run (the owner crashed or was killed) or one whose connection closed while the vault was locked
   * (so the revocation could not be written then) is revoked here, before anything can use it.
   */
  #revokeDisconnected(): void {
    const at = this.#now().toISOString();
    const ended = this.#keys.filter((k) => k.whileConnected && !k.revokedAt && !this.#connected.has(k.id));
    for (const key of ended) {
      key.revokedAt = at;
      this.#report(key.id);
    }
    // Until the write lands they are revoked in memory; a failed write is retried by the next save.
    if (ended.length > 0) void this.save().catch(() => undefined);
  }

  /** Called on lock: the next unlock re-reads the vault. */
  onLock(): void {
    this.#loaded = false;
  }

  #set(keys: StoredKey[]): void {
    this.#keys = keys;
    this.#byHash = new Map(keys.map((k) => [k.hash, k]));
    this.#byId = new Map(keys.map((k) => [k.id, k]));
  }

  keys(): readonly StoredKey[] {
    this.#ensure();
    return this.#keys;
  }

  /** Works while locked, from the table kept across lock (P1). */
  byHash(hash: string): StoredKey | undefined {
    this.#ensure();
    return this.#byHash.get(hash);
  }

  byId(id: string): StoredKey | undefined {
    this.#ensure();
    return this.#byId.get(id);
  }

  credentialUses(recordId: string): number {
    this.#ensure();
    return this.#uses.get(recordId) ?? 0;
  }

  /** Synchronous, so two requests in the same tick can never both see the last use. */
  takeCredentialUse(recordId: string): void {
    this.#uses.set(recordId, (this.#uses.get(recordId) ?? 0) + 1);
  }

  takeKeyUse(key: StoredKey): void {
    // An unlock replaces the StoredKey objects; a use taken on an object read before it must count on the live one.
    (this.#byId.get(key.id) ?? key).used++;
  }

  async resetCredentialUses(recordId: string): Promise<void> {
    this.#ensure();
    if (!this.#uses.has(recordId)) return;
    this.#uses.delete(recordId);
    await this.save();
  }

  async add(key: StoredKey, now: number): Promise<void> {
    this.#ensure();
    this.#prune(now);
    const active = this.#keys.filter((k) => !k.revokedAt && (k.maxUses === null || k.used < k.maxUses) && !(k.expiresAt && Date.parse(k.expiresAt) <= now));
    if (active.length >= MAX_ACTIVE_KEYS) {
      throw new TokenwardenError('ERR_INVALID_INPUT', `There are already ${MAX_ACTIVE_KEYS} active access keys; revoke some with \`tkw key revoke ID\` first.`);
    }
    this.#set([...this.#keys, key]);
    if (key.whileConnected) this.#connected.add(key.id);
    await this.save();
  }

  /** The creator of a `whileConnected` key went away: revoked now in memory (locked or not), on disk when possible. */
  async endConnection(id: string): Promise<void> {
    this.#connected.delete(id);
    const key = this.#byId.get(id);
    if (!key || key.revokedAt) return;
    key.revokedAt = this.#now().toISOString();
    this.#report(id);
    if (!this.#vault.isLocked()) await this.save();
  }

  #report(id: string): void {
    if (this.#reported.has(id)) return;
    this.#reported.add(id);
    this.#onEnded?.(id);
  }

  async revoke(key: StoredKey, at: Date): Promise<void> {
    key.revokedAt = at.toISOString();
    await this.save();
  }

  /** Drops a removed credential from every key and forgets its use count. */
  async forgetCredential(name: string, recordId: string | undefined): Promise<void> {
    this.#ensure();
    let changed = recordId !== undefined && this.#uses.delete(recordId);
    for (const key of this.#keys) {
      if (key.for.includes(name)) {
        key.for = key.for.filter((n) => n !== name);
        changed = true;
      }
    }
    if (changed) await this.save();
  }

  /**
   * Group commit: one write in flight, at most one queued behind it carrying every change made meanwhile.
   * Resolves once a write that includes the caller's changes is on disk.
   */
  save(): Promise<void> {
    if (!this.#saving) {
      const run = this.#write().finally(() => {
        if (this.#saving === run) this.#saving = undefined;
      });
      this.#saving = run;
      return run;
    }
    this.#queued ??= this.#saving
      .catch(() => undefined)
      .then(() => {
        this.#queued = undefined;
        return this.save();
      });
    return this.#queued;
  }

  #write(): Promise<void> {
    const state: AccessState = { v: 1, keys: this.#keys, uses: Object.fromEntries(this.#uses) };
    return this.#vault.setSecret(ACCESS_SECRET, JSON.stringify(state));
  }

  #prune(now: number): void {
    const ended = (k: StoredKey): number | undefined => {
      if (k.revokedAt) return Date.parse(k.revokedAt);
      if (k.expiresAt && Date.parse(k.expiresAt) <= now) return Date.parse(k.expiresAt);
      if (k.maxUses !== null && k.used >= k.maxUses) return Date.parse(k.createdAt);
      return undefined;
    };
    const endedKeys = this.#keys.filter((k) => ended(k) !== undefined).sort((a, b) => ended(b)! - ended(a)!);
    const keep = new Set(endedKeys.filter((k) => now - ended(k)! < ENDED_KEY_RETENTION_MS).slice(0, MAX_ENDED_KEYS));
    const next = this.#keys.filter((k) => ended(k) === undefined || keep.has(k));
    if (next.length !== this.#keys.length) this.#set(next);
  }
}
