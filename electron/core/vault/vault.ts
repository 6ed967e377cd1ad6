/** The encrypted vault: one AES-256-GCM blob per record under a DEK wrapped by keyslots; locked until unlocked; atomic, serialised writes. */
import { randomBytes as nodeRandomBytes, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import type { KeyslotKind } from '../../../shared/model.ts';
import { ensureDataDir } from '../base/data-dir.ts';
import { TokenwardenError } from '../base/errors.ts';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { removeStaleTemps, writeFileAtomic } from './atomic-file.ts';
import { KEY_BYTES, keyObject, type Key, type RandomBytes } from './envelope.ts';
import { editKeyslots, type KeyslotChange } from './keyslots/keyslot-edit.ts';
import { createInitialKeyslots, describeFailure, maintainKeyslots, unlockKeyslots, UNLOCK_HINT, type KeyProviders } from './keyslots/keyslot-set.ts';
import type { KeyringPort } from './keyslots/os-keyring-keyslot.ts';
import type { ScryptParams } from './keyslots/passphrase-keyslot.ts';
import type { SafeStoragePort } from './keyslots/safe-storage-keyslot.ts';
import { RecoveryLog, describeStaleRefreshTokens, quarantineNotices, type RecoveryListener, type VaultRecovery } from './recovery-events.ts';
import { newRecord, nextRevision, type NewCredential } from './record-validation.ts';
import { stampPrints, staleRefreshTokens } from './refresh-prints.ts';
import { ACCEPT_ROLLBACK_HINT, GENERATION_MARKER_SECRET, GenerationWriter, checkGeneration, generationStores, markedKinds } from './rollback-guard.ts';
import { applyChanges, createVaultFile, deepFreeze, keyMatches, type Changes, type Plain, type PreviousState } from './vault-codec.ts';
import {
  FragmentCache, SECRET_KEY_PATTERN, VAULT_FILE_NAME, deriveMacKey, encodeVaultFileParts, type VaultFile,
} from './vault-file.ts';
import { decryptOrRecover, loadVaultFile, vaultPaths, type Loaded, type VaultPaths } from './vault-storage.ts';
import { WriteQueue } from './write-queue.ts';

export type { KeyringPort, KeyslotChange, NewCredential, SafeStoragePort, VaultRecovery };

export interface VaultOptions {
  home: string;
  safeStorage?: SafeStoragePort;
  /** `false` disables the OS keyring; undefined uses @napi-rs/keyring. */
  keyring?: KeyringPort | false;
  clock?: () => Date;
  /** Asked at each `unlock` without a secret: the environment's passphrase while the owner's rule lets it count (config.ts). */
  passphrase?: () => string | undefined;
  /** scrypt cost for a new passphrase slot (stored in the file); tests lower it. */
  scrypt?: ScryptParams;
  randomBytes?: RandomBytes;
  /** S-rollback: open a file older than the generation recorded in the keyring/safeStorage (lowering the record). */
  acceptRollback?: boolean;
  /** R2: hears every fall-back to `.bak`, including the one `open` itself may do. */
  onRecovery?: RecoveryListener;
}

const STALE_TEMP_MS = 60_000;
const MAX_SECRET_LENGTH = 64 * 1024;

export class Vault {
  readonly path: string;
  readonly #paths: VaultPaths;
  readonly #options: VaultOptions;
  readonly #keyring: KeyringPort | undefined;
  readonly #clock: () => Date;
  readonly #random: RandomBytes;
  readonly #queue = new WriteQueue();
  readonly #fragments = new FragmentCache();
  #file: VaultFile | undefined;
  #dek: Buffer | undefined;
  #dekKey: KeyObject | undefined;
  #macKey: Buffer | undefined;
  /** Bumped by lock/unlock, so a write that finishes after lock() never puts plaintext back in memory. */
  #session = 0;
  #records = new Map<string, CredentialRecord>();
  #sorted: CredentialRecord[] | undefined;
  #ids = new Map<string, string>();
  #secrets = new Map<string, string>();
  #warnings: string[] = [];
  readonly #recoveries = new RecoveryLog();
  #generations: GenerationWriter | undefined;
  readonly #changeListeners = new Set<() => void>();

  private constructor(path: string, options: VaultOptions, keyring: KeyringPort | undefined) {
    this.path = path;
    this.#paths = vaultPaths(path);
    this.#options = options;
    this.#keyring = keyring;
    this.#clock = options.clock ?? (() => new Date());
    this.#random = options.randomBytes ?? nodeRandomBytes;
    if (options.onRecovery) this.#recoveries.subscribe(options.onRecovery);
  }

  /** Loads the file (recovering from .bak if it is damaged); the vault stays locked. */
  static async open(options: VaultOptions): Promise<Vault> {
    const home = ensureDataDir(options.home);
    const path = join(home, VAULT_FILE_NAME);
    await removeStaleTemps(path, STALE_TEMP_MS);
    await removeStaleTemps(`${path}.bak`, STALE_TEMP_MS);
    const keyring = options.keyring === false ? undefined : (options.keyring ?? (await import('./keyslots/napi-keyring.ts')).napiKeyring());
    const vault = new Vault(path, options, keyring);
    const loaded = await loadVaultFile(vault.#paths, vault.#clock);
    vault.#file = loaded.file;
    if (loaded.file && loaded.bytes) vault.#fragments.prime(loaded.bytes, loaded.file.records);
    vault.#warn(...loaded.warnings);
    vault.#recovered(loaded, null);
    vault.#warn(...quarantineNotices(path));
    return vault;
  }

  /**
   * Called after every change to the records, whoever made it (a user action, a background or 401-driven
   * refresh, a reload from disk): change events come from the store, so no writer can forget them.
   */
  onChange(listener: () => void): () => void {
    this.#changeListeners.add(listener);
    return () => this.#changeListeners.delete(listener);
  }

  isInitialized(): boolean {
    return this.#file !== undefined;
  }

  isLocked(): boolean {
    return this.#dekKey === undefined;
  }

  keyslotKinds(): KeyslotKind[] {
    return this.#file?.keyslots.map((slot) => slot.kind) ?? [];
  }

  warnings(): string[] {
    return [...this.#warnings];
  }

  /** R2: every fall-back to `.bak` in this process, replayed to late subscribers (audit, notifications). */
  onRecovery(listener: RecoveryListener): () => void {
    return this.#recoveries.subscribe(listener);
  }

  /** Resolves once the generation record (S-rollback) has caught up with the last write. */
  settled(): Promise<void> {
    return this.#generations?.settled() ?? Promise.resolve();
  }

  /** S1: keyslots are added or removed only on request (`tkw keyslot`), never because a provider appeared. */
  changeKeyslots(change: KeyslotChange): Promise<KeyslotKind[]> {
    return this.#queue.run(async () => {
      this.#keys();
      const file = this.#file!;
      const edit = await editKeyslots(file.keyslots, change, this.#dek!, file.vaultId, this.#providers(change.action === 'add' ? change.passphrase : undefined));
      await this.#persist({ keyslots: edit.keyslots });
      await edit.afterSave?.();
      this.#trackGenerations(this.#file!);
      return this.keyslotKinds();
    });
  }

  /** Opens with the first keyslot that works; the first unlock of a new vault creates it. */
  unlock(secret?: string): Promise<void> {
    return this.#queue.run(async () => {
      if (this.#dek) return;
      const providers = this.#providers(secret);
      if (this.#file) await this.#unlockExisting(this.#file, providers);
      else await this.#initialize(providers);
    });
  }

  /** Drops the DEK (zeroed) and every decrypted record. */
  lock(): void {
    this.#dek?.fill(0);
    this.#macKey?.fill(0);
    this.#dek = undefined;
    this.#dekKey = undefined;
    this.#macKey = undefined;
    this.#records.clear();
    this.#ids.clear();
    this.#secrets.clear();
    this.#sorted = undefined;
    this.#session++;
  }

  /** Sorted by name; the sort is cached until the next change, because the proxy lists on every request. */
  list(): CredentialRecord[] {
    this.#keys();
    this.#sorted ??= [...this.#records.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return this.#sorted.slice();
  }

  get(name: string): CredentialRecord | undefined {
    this.#keys();
    const id = this.#ids.get(name);
    return id === undefined ? undefined : this.#records.get(id);
  }

  insert(input: NewCredential): Promise<CredentialRecord> {
    return this.#queue.run(async () => {
      this.#keys();
      const record = newRecord(input, this.#random(18).toString('base64url'), this.#clock());
      if (this.#ids.has(record.name)) throw new TokenwardenError('ERR_EXISTS', `A credential named "${record.name}" already exists.`);
      await this.#persist({ records: new Map([[record.id, record]]) });
      return record;
    });
  }

  /** Applies `mutate` to a copy of the latest record inside the write queue, so concurrent updates never lose one. */
  update(name: string, mutate: (current: CredentialRecord) => CredentialRecord): Promise<CredentialRecord> {
    return this.#queue.run(async () => {
      const current = this.#require(name);
      const draft = await mutate(structuredClone(current));
      const record = nextRevision(current, draft, this.#clock());
      if (record.name !== current.name && this.#ids.has(record.name)) {
        throw new TokenwardenError('ERR_EXISTS', `A credential named "${record.name}" already exists.`);
      }
      await this.#persist({ records: new Map([[record.id, record]]) });
      return record;
    });
  }

  remove(name: string): Promise<void> {
    return this.#queue.run(async () => {
      await this.#persist({ records: new Map([[this.#require(name).id, null]]) });
    });
  }

  /** Re-reads the file, e.g. after another writer rotated a refresh token; unchanged records are not decrypted again. */
  reload(): Promise<void> {
    return this.#queue.run(async () => {
      const loaded = await loadVaultFile(this.#paths, this.#clock);
      if (loaded.file && loaded.bytes) this.#fragments.prime(loaded.bytes, loaded.file.records);
      this.#warn(...loaded.warnings);
      this.#recovered(loaded, null);
      const previous = this.#file;
      if (!this.#dekKey || !this.#macKey || !previous || !loaded.file) {
        if (!loaded.file) this.lock();
        this.#file = loaded.file;
        return;
      }
      if (loaded.file.vaultId !== previous.vaultId || !keyMatches(loaded.file, this.#dekKey)) {
        this.lock();
        this.#file = loaded.file;
        throw new TokenwardenError('ERR_LOCKED', `The vault was replaced or re-keyed by another process; unlock it again. ${UNLOCK_HINT}`);
      }
      const result = await this.#decryptOrRecover(loaded.file, this.#dekKey, this.#macKey, { sealed: previous.records, records: this.#records });
      // S-rollback: a writer only ever moves the revision up, so an older authentic file was put back under us.
      if (!loaded.recovered && !result.recovered && result.file.revision < previous.revision && this.#options.acceptRollback !== true) {
        this.lock();
        this.#file = result.file;
        throw new TokenwardenError('ERR_ROLLBACK', `The vault file went back from revision ${previous.revision} to ${result.file.revision} while it was open; it was locked. ${ACCEPT_ROLLBACK_HINT}`);
      }
      this.#file = result.file;
      this.#setPlain(result.plain);
      this.#changed();
    });
  }

  getSecret(key: string): string | undefined {
    this.#keys();
    return this.#secrets.get(key);
  }

  setSecret(key: string, value: string | undefined): Promise<void> {
    return this.#queue.run(async () => {
      this.#keys();
      if (typeof key !== 'string' || !SECRET_KEY_PATTERN.test(key)) {
        throw new TokenwardenError('ERR_INVALID_INPUT', 'Secret keys are 1-64 lowercase letters, digits, ".", "_", ":" or "-".');
      }
      if (value !== undefined && (typeof value !== 'string' || value.length === 0 || value.length > MAX_SECRET_LENGTH)) {
        throw new TokenwardenError('ERR_INVALID_INPUT', `The value for ${key} must be a non-empty string of at most 64 KiB.`);
      }
      if (value === undefined && !this.#secrets.has(key)) return;
      await this.#persist({ secrets: new Map([[key, value ?? null]]) });
    });
  }

  async #initialize(providers: KeyProviders): Promise<void> {
    const dek = ownKey(this.#random(KEY_BYTES));
    const vaultId = this.#random(18).toString('base64url');
    const created = await createInitialKeyslots(dek, vaultId, providers).catch((err: unknown) => {
      dek.fill(0);
      throw err;
    });
    this.#warn(...created.warnings);
    const macKey = deriveMacKey(dek, vaultId);
    const file = createVaultFile(vaultId, dek, macKey, created.slots, this.#options.randomBytes);
    await writeFileAtomic(this.path, encodeVaultFileParts(file, this.#fragments), { backupPath: this.#paths.backup });
    this.#file = file;
    this.#setUnlocked(dek, macKey, { records: new Map(), secrets: new Map() });
    this.#trackGenerations(file).note(file.revision);
  }

  async #unlockExisting(file: VaultFile, providers: KeyProviders): Promise<void> {
    // A keyslot failure throws here, before anything is written (SECURITY R7).
    // A presented passphrase is checked on its own: a wrong one fails (ERR_BAD_PASSPHRASE) instead of being
    // quietly replaced by the keyring, or `unlock` with any text would undo an explicit `lock` (S6).
    const presented = providers.passphraseExplicit && file.keyslots.some((slot) => slot.kind === 'passphrase');
    const unlocked = await unlockKeyslots(file.keyslots, file.vaultId, presented ? { ...providers, safeStorage: undefined, keyring: undefined } : providers);
    const dek = ownKey(unlocked.dek);
    const macKey = deriveMacKey(dek, file.vaultId);
    let result: { file: VaultFile; plain: Plain };
    try {
      result = await this.#decryptOrRecover(file, keyObject(dek), macKey);
      // S-rollback: the revision is authentic now (MAC checked); refuse one older than this machine has seen.
      const marked = markedKinds(result.plain.secrets.get(GENERATION_MARKER_SECRET));
      this.#warn(...(await checkGeneration(this.#stores(result.file), result.file.revision, { accept: this.#options.acceptRollback === true, recovered: this.#recoveries.size > 0, marked })));
    } catch (err) {
      dek.fill(0);
      macKey.fill(0);
      throw err;
    }
    this.#warn(...unlocked.failures.map((f) => `${describeFailure(f)} Unlocked with the ${unlocked.kind} keyslot instead.`));
    this.#file = result.file;
    this.#setUnlocked(dek, macKey, result.plain);
    this.#trackGenerations(result.file);
    const upkeep = await maintainKeyslots(result.file.keyslots, dek, file.vaultId, providers, unlocked.kind);
    this.#warn(...upkeep.warnings);
    // The vault is open; failing to save a convenience slot must not turn that into an error.
    if (upkeep.keyslots) await this.#persist({ keyslots: upkeep.keyslots }).catch((err: unknown) => this.#warn(`Could not save new keyslots: ${(err as Error).message}`));
  }

  async #decryptOrRecover(file: VaultFile, dek: Key, macKey: Buffer, previous?: PreviousState): Promise<{ file: VaultFile; plain: Plain; recovered?: Loaded['recovered'] }> {
    const result = await decryptOrRecover(this.#paths, this.#clock, file, dek, macKey, previous);
    this.#warn(...result.warnings);
    this.#recovered(result, result.recovered ? staleRefreshTokens(file, result.plain, macKey) : null);
    return result;
  }

  /** Seals only the changed blobs (synchronously, so lock() cannot interleave), writes atomically, then updates memory. */
  async #persist(changes: Changes): Promise<void> {
    const { dek, macKey } = this.#keys();
    const file = this.#file;
    if (!file) throw new TokenwardenError('ERR_INTERNAL', 'The vault is not initialised.');
    const session = this.#session;
    changes = this.#withGenerationMarker(changes);
    const next = stampPrints(applyChanges(file, changes, dek, macKey, this.#options.randomBytes), changes.records, macKey);
    await writeFileAtomic(this.path, encodeVaultFileParts(next, this.#fragments), { backupPath: this.#paths.backup });
    this.#file = next;
    this.#generations?.note(next.revision);
    if (this.#session !== session) return;
    if (changes.records) this.#sorted = undefined;
    for (const [id, record] of changes.records ?? []) {
      const old = this.#records.get(id);
      if (old) this.#ids.delete(old.name);
      if (record) {
        this.#records.set(id, deepFreeze(record));
        this.#ids.set(record.name, id);
      } else this.#records.delete(id);
    }
    for (const [key, value] of changes.secrets ?? []) {
      if (value === null) this.#secrets.delete(key);
      else this.#secrets.set(key, value);
    }
    if (changes.records) this.#changed();
  }

  #changed(): void {
    for (const listener of this.#changeListeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own; the write already succeeded.
      }
    }
  }

  #setUnlocked(dek: Buffer, macKey: Buffer, plain: Plain): void {
    this.#dek = dek;
    this.#dekKey = keyObject(dek);
    this.#macKey = macKey;
    this.#session++;
    this.#setPlain(plain);
  }

  #setPlain(plain: Plain): void {
    this.#sorted = undefined;
    this.#records = plain.records;
    this.#secrets = plain.secrets;
    this.#ids = new Map([...plain.records].map(([id, record]) => [record.name, id]));
  }

  #keys(): { dek: KeyObject; macKey: Buffer } {
    if (!this.#dekKey || !this.#macKey) {
      // An owner takes the environment's passphrase only at start-up (S6): the way back in is `unlock` with it.
      throw new TokenwardenError('ERR_LOCKED', 'The vault is locked. Unlock it with `tkw unlock`.');
    }
    return { dek: this.#dekKey, macKey: this.#macKey };
  }

  #require(name: string): CredentialRecord {
    const record = this.get(name);
    if (!record) throw new TokenwardenError('ERR_NOT_FOUND', `No credential is named "${String(name).slice(0, 80)}".`);
    return record;
  }

  #providers(secret?: string): KeyProviders {
    const explicit = typeof secret === 'string' && secret.length > 0;
    return {
      safeStorage: this.#options.safeStorage,
      keyring: this.#keyring,
      passphrase: explicit ? secret : this.#options.passphrase?.() || undefined,
      passphraseExplicit: explicit,
      scrypt: this.#options.scrypt,
      randomBytes: this.#options.randomBytes,
    };
  }

  #stores(file: VaultFile) {
    return generationStores(file, { keyring: this.#keyring, safeStorage: this.#options.safeStorage, sidePath: `${this.path}.generation` });
  }

  /** S-rollback: once a store took a record, the next write says so inside the MAC'd file (rollback-guard.ts). */
  #withGenerationMarker(changes: Changes): Changes {
    const marked = markedKinds(this.#secrets.get(GENERATION_MARKER_SECRET));
    const next = new Set([...marked, ...(this.#generations?.recorded ?? [])]);
    if (next.size === marked.size) return changes;
    return { ...changes, secrets: new Map([...(changes.secrets ?? []), [GENERATION_MARKER_SECRET, [...next].sort().join(',')]]) };
  }

  #trackGenerations(file: VaultFile): GenerationWriter {
    this.#generations = new GenerationWriter(this.#stores(file), (message) => this.#warn(message));
    return this.#generations;
  }

  /** R2: one event per fall-back to `.bak`, with what it means for refresh tokens. */
  #recovered(loaded: Pick<Loaded, 'recovered' | 'warnings'>, stale: string[] | null): void {
    if (!loaded.recovered) return;
    const note = describeStaleRefreshTokens(stale);
    this.#warn(note);
    this.#recoveries.record({
      ...loaded.recovered,
      at: this.#clock().toISOString(),
      backupPath: this.#paths.backup,
      staleRefreshTokens: stale,
      message: `${loaded.warnings.join(' ')} ${note}`.trim(),
    });
  }

  #warn(...messages: string[]): void {
    for (const message of messages) if (!this.#warnings.includes(message)) this.#warnings.push(message);
  }
}

/** Copies a key into memory the vault owns (never a shared pool slice), so lock() can zero it. */
function ownKey(source: Buffer): Buffer {
  const key = Buffer.alloc(KEY_BYTES);
  source.copy(key);
  source.fill(0);
  return key;
}
