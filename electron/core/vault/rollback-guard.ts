/**
 * S-rollback: the vault's revision is authenticated by its MAC, but an older vault.json carries an older, equally
 * valid MAC. Where a store outside the file exists (the OS keyring, or a safeStorage-sealed side file), we keep the
 * highest revision seen there and refuse to open a file below it unless the user accepts the rollback.
 * Once a store holds a record, the vault says so in a sealed, MAC'd secret (the marker), so deleting or garbling
 * the record next to a copied-back file is refused too instead of reading as "never recorded". A file written
 * before its marker (older Tokenwarden, or the first writes of a new vault) cannot tell these apart: documented limit.
 */
import { readFile } from 'node:fs/promises';
import { TokenwardenError } from '../base/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import type { KeyringPort } from './keyslots/os-keyring-keyslot.ts';
import { assertSafeStorageUsable, type SafeStoragePort } from './keyslots/safe-storage-keyslot.ts';
import type { VaultFile } from './vault-file.ts';

export interface GenerationStore {
  readonly kind: 'os-keyring' | 'safe-storage';
  /** The highest revision recorded, or undefined when none was ever recorded. Throws when the store is unreachable. */
  read(): Promise<number | undefined>;
  write(generation: number): Promise<void>;
  clear(): Promise<void>;
}

export const ACCEPT_ROLLBACK_HINT =
  'If you restored an older vault.json on purpose, open it once with `tkw --accept-rollback list` while no owner runs (a daemon: start it with `tkw daemon --accept-rollback`; the desktop app: start it with TOKENWARDEN_ACCEPT_ROLLBACK=1).';

/** A vault secret (sealed and covered by the MAC, so it cannot be stripped): the store kinds that hold a record. */
export const GENERATION_MARKER_SECRET = 'tokenwarden:generation-recorded';

export function markedKinds(marker: string | undefined): Set<string> {
  return new Set(marker ? marker.split(',') : []);
}

export const generationAccount = (vaultId: string): string => `${vaultId}.generation`;

function encode(vaultId: string, generation: number): string {
  return `tokenwarden-generation:v1:${vaultId}:${generation}`;
}

/** A record that exists but does not parse for this vault is an error, never "no record": that would disable the check. */
function decode(vaultId: string, text: string): number {
  const prefix = `tokenwarden-generation:v1:${vaultId}:`;
  const n = text.startsWith(prefix) ? Number(text.slice(prefix.length)) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new TokenwardenError('ERR_CORRUPT', 'The recorded vault generation is unreadable or belongs to another vault.');
  return n;
}

export function keyringGenerationStore(keyring: KeyringPort, vaultId: string): GenerationStore {
  const account = generationAccount(vaultId);
  return {
    kind: 'os-keyring',
    read: async () => {
      const text = await keyring.getPassword(account);
      return text === null ? undefined : decode(vaultId, text);
    },
    write: (generation) => keyring.setPassword(account, encode(vaultId, generation)),
    clear: async () => void (await keyring.deletePassword(account)),
  };
}

/** safeStorage has no storage of its own: a side file holds the generation sealed by it, so it cannot be forged or edited. */
export function safeStorageGenerationStore(port: SafeStoragePort, path: string, vaultId: string): GenerationStore {
  return {
    kind: 'safe-storage',
    read: async () => {
      let sealed: string;
      try {
        sealed = await readFile(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw err;
      }
      assertSafeStorageUsable(port);
      let text: string;
      try {
        text = await port.decryptString(Buffer.from(sealed.trim(), 'base64'));
      } catch (err) {
        // Garbage in the side file is as easy to plant as deleting it: it is a damaged record, not an unusable store.
        throw new TokenwardenError('ERR_CORRUPT', 'The recorded vault generation is unreadable or belongs to another vault.', { cause: err });
      }
      return decode(vaultId, text);
    },
    write: async (generation) => {
      assertSafeStorageUsable(port);
      const sealed = await port.encryptString(encode(vaultId, generation));
      await writeFileAtomic(path, `${Buffer.from(sealed).toString('base64')}\n`);
    },
    clear: async () => {
      const { rm } = await import('node:fs/promises');
      await rm(path, { force: true });
    },
  };
}

/** One store per keyslot kind the file has and this process can reach; none means no rollback check (documented). */
export function generationStores(file: VaultFile, ports: { keyring?: KeyringPort; safeStorage?: SafeStoragePort; sidePath: string }): GenerationStore[] {
  const kinds = new Set(file.keyslots.map((slot) => slot.kind));
  const stores: GenerationStore[] = [];
  if (kinds.has('os-keyring') && ports.keyring) stores.push(keyringGenerationStore(ports.keyring, file.vaultId));
  if (kinds.has('safe-storage') && ports.safeStorage) stores.push(safeStorageGenerationStore(ports.safeStorage, ports.sidePath, file.vaultId));
  return stores;
}

export interface GenerationCheck {
  /** Accept a file older than the recorded generation (`--accept-rollback`), lowering the generation to it. */
  accept: boolean;
  /** The file came from `.bak` in this process: one revision behind the record is the expected, legitimate case. */
  recovered: boolean;
  /** Store kinds the vault's marker says hold a record: there, a missing or damaged record is a rollback. */
  marked?: ReadonlySet<string>;
}

/** Throws ERR_ROLLBACK for a file older than any store has seen; returns warnings; records the revision when it is newer. */
export async function checkGeneration(stores: readonly GenerationStore[], revision: number, check: GenerationCheck): Promise<string[]> {
  const warnings: string[] = [];
  let highest: { value: number; kind: string } | undefined;
  let lost: string | undefined;
  for (const store of stores) {
    try {
      const value = await store.read();
      if (value !== undefined && (!highest || value > highest.value)) highest = { value, kind: store.kind };
      if (value === undefined && check.marked?.has(store.kind)) lost = store.kind;
    } catch (err) {
      // An unreachable keyring or unusable safeStorage still only warns (the passphrase must keep working, R7);
      // a damaged record of a marked store does not: an attacker can write one as easily as delete it.
      if (check.marked?.has(store.kind) && (err as { code?: unknown }).code === 'ERR_CORRUPT') lost = store.kind;
      else warnings.push(`The rollback check through the ${store.kind} was skipped: ${(err as Error).message.slice(0, 200)}`);
    }
  }
  if (lost !== undefined) {
    if (!check.accept) {
      throw new TokenwardenError(
        'ERR_ROLLBACK',
        `The vault file says its revision was recorded in the ${lost}, but that record is missing or damaged: an older vault.json may have been put back with the record removed. Nothing was opened. ${ACCEPT_ROLLBACK_HINT}`,
      );
    }
    warnings.push(`Accepted a vault whose generation record in the ${lost} was missing or damaged (revision ${revision}). Credentials removed or revoked before may be back: check them.`);
  }
  const older = highest !== undefined && revision < highest.value - (check.recovered ? 1 : 0);
  if (older) {
    if (!check.accept) {
      throw new TokenwardenError(
        'ERR_ROLLBACK',
        `The vault file is at revision ${revision}, but the ${highest!.kind} recorded revision ${highest!.value}: an older vault.json was put back, which would revive removed or revoked credentials. Nothing was opened. ${ACCEPT_ROLLBACK_HINT}`,
      );
    }
    warnings.push(`Accepted a rolled-back vault (revision ${revision}; revision ${highest!.value} was seen before). Credentials removed or revoked since then are back: check them.`);
  }
  // Accepting lowers the record to this file; otherwise it only ever moves up.
  if (older || lost !== undefined || !highest || revision > highest.value) {
    for (const store of stores) await store.write(revision).catch(() => undefined);
  }
  return warnings;
}

/** Records each new revision after its write, in order, coalescing bursts; never blocks or fails a vault write. */
export class GenerationWriter {
  readonly #stores: readonly GenerationStore[];
  readonly #onError: (message: string) => void;
  #pending: number | undefined;
  #written = -1;
  #running: Promise<void> | undefined;
  /** Store kinds that took a record in this process: the next vault write marks them (GENERATION_MARKER_SECRET). */
  readonly recorded = new Set<string>();

  constructor(stores: readonly GenerationStore[], onError: (message: string) => void) {
    this.#stores = stores;
    this.#onError = onError;
  }

  note(revision: number): void {
    if (this.#stores.length === 0 || revision <= this.#written || (this.#pending !== undefined && revision <= this.#pending)) return;
    this.#pending = revision;
    this.#running ??= this.#drain();
  }

  /** Resolves once every noted revision is recorded (or failed). */
  settled(): Promise<void> {
    return this.#running ?? Promise.resolve();
  }

  async #drain(): Promise<void> {
    while (this.#pending !== undefined) {
      const revision = this.#pending;
      this.#pending = undefined;
      await Promise.all(
        this.#stores.map((store) =>
          store.write(revision).then(
            () => void this.recorded.add(store.kind),
            (err: unknown) => this.#onError(`Could not record the vault generation in the ${store.kind}: ${(err as Error).message.slice(0, 200)}`),
          ),
        ),
      );
      this.#written = revision;
    }
    this.#running = undefined;
  }
}
