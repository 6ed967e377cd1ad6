/**
 * S1: keyslots change only when the user asks (`tkw keyslot add|remove KIND`). A vault protected by a passphrase
 * alone must not quietly become openable by any process that can read the OS keyring just because one appeared.
 */
import { TokenwardenError } from '../../base/errors.ts';
import type { KeyslotKind } from '../../../../shared/model.ts';
import type { KeyslotData } from '../vault-file.ts';
import { createKeyslots, type KeyProviders } from './keyslot-set.ts';

export type KeyslotChange = { action: 'add'; kind: KeyslotKind; passphrase?: string } | { action: 'remove'; kind: KeyslotKind };

export interface KeyslotEdit {
  keyslots: KeyslotData[];
  /** Runs after the new slot list is safely on disk, e.g. deleting the keyring entry of a removed slot. */
  afterSave?: () => Promise<void>;
}

const LABEL: Record<KeyslotKind, string> = { passphrase: 'passphrase', 'os-keyring': 'OS keyring', 'safe-storage': 'safe-storage' };

export async function editKeyslots(current: readonly KeyslotData[], change: KeyslotChange, dek: Uint8Array, vaultId: string, providers: KeyProviders): Promise<KeyslotEdit> {
  const present = current.some((slot) => slot.kind === change.kind);
  if (change.action === 'remove') {
    if (!present) throw new TokenwardenError('ERR_NOT_FOUND', `The vault has no ${LABEL[change.kind]} keyslot.`);
    if (current.length === 1) {
      throw new TokenwardenError('ERR_INVALID_INPUT', `The ${LABEL[change.kind]} keyslot is the vault's only keyslot; removing it would make the vault impossible to open. Add another keyslot first.`);
    }
    const removed = current.find((slot) => slot.kind === change.kind);
    const keyring = providers.keyring;
    return {
      keyslots: current.filter((slot) => slot.kind !== change.kind),
      // The wrapping key left in the keyring would still open a copy of the old file; delete it (best effort).
      afterSave: removed?.kind === 'os-keyring' && keyring ? async () => void (await keyring.deletePassword(removed.account).catch(() => false)) : undefined,
    };
  }
  if (present) {
    throw new TokenwardenError('ERR_EXISTS', `The vault already has a ${LABEL[change.kind]} keyslot. Remove it first to replace it (\`tkw keyslot remove ${change.kind}\`).`);
  }
  if (change.kind === 'passphrase' && !change.passphrase) throw new TokenwardenError('ERR_INVALID_INPUT', 'A new passphrase is needed to add a passphrase keyslot.');
  if (change.kind === 'os-keyring' && !providers.keyring) throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', 'This process has no OS keyring to add a keyslot to.');
  if (change.kind === 'safe-storage' && !providers.safeStorage) {
    throw new TokenwardenError('ERR_NOT_AVAILABLE', 'Only the desktop app has Electron safeStorage: run this while the app is open, and the CLI asks the app.');
  }
  const only: KeyProviders = { ...providers, passphrase: change.kind === 'passphrase' ? change.passphrase : undefined };
  const { slots, failures } = await createKeyslots(dek, vaultId, only, [change.kind]);
  const slot = slots[0];
  if (!slot) throw failures[0]?.error ?? new TokenwardenError('ERR_KEYRING_UNAVAILABLE', `The ${LABEL[change.kind]} keyslot could not be created.`);
  return { keyslots: [...current, slot] };
}
