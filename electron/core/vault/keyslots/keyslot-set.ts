/** Chooses, creates and tries keyslots: safe-storage and os-keyring when reachable, passphrase as the portable fallback; never plaintext. */
import { TokenwardenError, isTokenwardenError } from '../../base/errors.ts';
import type { KeyslotKind } from '../../../../shared/model.ts';
import type { KeyslotData } from '../vault-file.ts';
import type { RandomBytes } from '../envelope.ts';
import { createOsKeyringSlot, KeyringUnreachableError, unwrapOsKeyringSlot, type KeyringPort } from './os-keyring-keyslot.ts';
import { createPassphraseSlot, unwrapPassphraseSlot, type ScryptParams } from './passphrase-keyslot.ts';
import { createSafeStorageSlot, unwrapSafeStorageSlot, type SafeStoragePort } from './safe-storage-keyslot.ts';

export interface KeyProviders {
  safeStorage?: SafeStoragePort;
  keyring?: KeyringPort;
  passphrase?: string;
  /** True when the passphrase came from `unlock(secret)` rather than the environment: it is then tried first. */
  passphraseExplicit?: boolean;
  scrypt?: ScryptParams;
  randomBytes?: RandomBytes;
}

export interface SlotFailure {
  kind: KeyslotKind;
  error: TokenwardenError;
}

export const UNLOCK_HINT = 'Set TOKENWARDEN_PASSPHRASE or run `tokenwarden unlock`.';

/** Creates one slot per available provider; failures become warnings, not errors, as long as one slot exists. */
export async function createKeyslots(
  dek: Uint8Array,
  vaultId: string,
  providers: KeyProviders,
  kinds: readonly KeyslotKind[] = ['safe-storage', 'os-keyring', 'passphrase'],
): Promise<{ slots: KeyslotData[]; failures: SlotFailure[] }> {
  const slots: KeyslotData[] = [];
  const failures: SlotFailure[] = [];
  for (const kind of kinds) {
    try {
      const slot = await createSlot(kind, dek, vaultId, providers);
      if (slot) slots.push(slot);
    } catch (err) {
      failures.push({ kind, error: coded(err) });
    }
  }
  return { slots, failures };
}

/** The slots for a brand-new vault; with none available it refuses (ERR_LOCKED) rather than store the key in the clear. */
export async function createInitialKeyslots(dek: Uint8Array, vaultId: string, providers: KeyProviders): Promise<{ slots: KeyslotData[]; warnings: string[] }> {
  const { slots, failures } = await createKeyslots(dek, vaultId, providers);
  const reasons = failures.map(describeFailure);
  if (slots.length === 0) {
    const why = reasons.length ? ` ${reasons.join(' ')}` : ' No OS keyring or safeStorage is available and no passphrase was given.';
    throw new TokenwardenError('ERR_LOCKED', `Cannot create the vault: nothing can protect its key.${why} ${UNLOCK_HINT}`);
  }
  const fallback = slots.map((s) => s.kind).join(' and ');
  // The keyring was only an option for a new vault: on a headless, passphrase-only machine one line says so.
  const warnings = failures.map((f, i) =>
    f.error instanceof KeyringUnreachableError
      ? `OS keyring not used (${f.error.situation}): the vault is protected by the ${fallback} keyslot; \`tkw keyslot add os-keyring\` adds one where a keyring runs.`
      : `${reasons[i]} The vault is protected by the ${fallback} keyslot instead.`,
  );
  return { slots, warnings };
}

/**
 * Upkeep after an unlock: rewraps the safe-storage slot when Electron rotated its key (SECURITY S1). It never adds
 * a slot for a provider that appeared later: that is opt-in (`tkw keyslot add`, keyslot-edit.ts). A slot that
 * failed is never replaced (R7). Returns the new slot list, or undefined when nothing changed.
 */
export async function maintainKeyslots(
  current: readonly KeyslotData[],
  dek: Uint8Array,
  vaultId: string,
  providers: KeyProviders,
  unlockedWith: KeyslotKind,
): Promise<{ keyslots?: KeyslotData[]; warnings: string[] }> {
  let next = [...current];
  let changed = false;
  const warnings: string[] = [];
  if (unlockedWith === 'safe-storage' && providers.safeStorage?.shouldReEncrypt?.()) {
    const { slots, failures } = await createKeyslots(dek, vaultId, providers, ['safe-storage']);
    const fresh = slots[0];
    if (fresh) {
      next = next.map((s) => (s.kind === 'safe-storage' ? fresh : s));
      changed = true;
    } else if (failures[0]) warnings.push(`Could not re-encrypt the safe-storage keyslot: ${failures[0].error.message}`);
  }
  return changed ? { keyslots: next, warnings } : { warnings };
}

async function createSlot(kind: KeyslotKind, dek: Uint8Array, vaultId: string, p: KeyProviders): Promise<KeyslotData | undefined> {
  if (kind === 'safe-storage') return p.safeStorage ? createSafeStorageSlot(dek, p.safeStorage, vaultId) : undefined;
  if (kind === 'os-keyring') return p.keyring ? createOsKeyringSlot(dek, p.keyring, vaultId, p.randomBytes) : undefined;
  return p.passphrase ? createPassphraseSlot(dek, p.passphrase, vaultId, p.scrypt, p.randomBytes) : undefined;
}

/**
 * Tries the file's slots in a sensible order and returns the first DEK that `verify` accepts. Every slot
 * authenticates its own wrapping (GCM, or the vault id inside safeStorage's payload), so a DEK returned here is the real one.
 * Throws the single failure's own code, ERR_BAD_PASSPHRASE when a passphrase was wrong, else ERR_LOCKED with every reason.
 */
export async function unlockKeyslots(
  slots: readonly KeyslotData[],
  vaultId: string,
  providers: KeyProviders,
  verify: (dek: Buffer) => boolean = () => true,
): Promise<{ dek: Buffer; kind: KeyslotKind; failures: SlotFailure[] }> {
  const failures: SlotFailure[] = [];
  for (const slot of orderSlots(slots, providers)) {
    let dek: Buffer | undefined;
    try {
      dek = await unwrap(slot, vaultId, providers);
      if (!dek) continue;
      if (!verify(dek)) {
        dek.fill(0);
        throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', `The ${slot.kind} keyslot returned a key that does not open this vault.`);
      }
      return { dek, kind: slot.kind, failures };
    } catch (err) {
      failures.push({ kind: slot.kind, error: coded(err) });
    }
  }
  throw unlockError(slots, failures);
}

function orderSlots(slots: readonly KeyslotData[], p: KeyProviders): KeyslotData[] {
  const rank = (kind: KeyslotKind) =>
    kind === 'passphrase' ? (p.passphraseExplicit ? 0 : 3) : kind === 'safe-storage' ? 1 : 2;
  return [...slots].sort((a, b) => rank(a.kind) - rank(b.kind));
}

async function unwrap(slot: KeyslotData, vaultId: string, p: KeyProviders): Promise<Buffer | undefined> {
  if (slot.kind === 'safe-storage') return p.safeStorage ? unwrapSafeStorageSlot(slot, p.safeStorage, vaultId) : undefined;
  if (slot.kind === 'os-keyring') return p.keyring ? unwrapOsKeyringSlot(slot, p.keyring, vaultId) : undefined;
  return p.passphrase ? unwrapPassphraseSlot(slot, p.passphrase, vaultId) : undefined;
}

function unlockError(slots: readonly KeyslotData[], failures: SlotFailure[]): TokenwardenError {
  const bad = failures.find((f) => f.error.code === 'ERR_BAD_PASSPHRASE');
  if (bad) return bad.error;
  if (failures.length === 1 && failures[0]) return failures[0].error;
  const kinds = slots.map((s) => s.kind).join(', ');
  const reasons = failures.map((f) => `${f.kind}: ${f.error.message}`).join(' ');
  const hint = slots.some((s) => s.kind === 'passphrase') ? ` ${UNLOCK_HINT}` : '';
  return new TokenwardenError('ERR_LOCKED', `The vault is locked and no keyslot (${kinds}) could open it.${reasons ? ` ${reasons}` : ''}${hint}`);
}

export function describeFailure(f: SlotFailure): string {
  const what = f.kind === 'os-keyring' ? 'OS keyring keyslot' : f.kind === 'safe-storage' ? 'safe-storage keyslot' : 'passphrase keyslot';
  return `${what} not used: ${f.error.message}`;
}

function coded(err: unknown): TokenwardenError {
  return isTokenwardenError(err) ? err : new TokenwardenError('ERR_INTERNAL', 'A keyslot failed unexpectedly.', { cause: err });
}
