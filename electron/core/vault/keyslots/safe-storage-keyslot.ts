/** safe-storage keyslot: Electron's safeStorage (behind a port) wraps the DEK; the insecure `basic_text` backend is refused (SECURITY S1, S2). */
import { TokenwardenError } from '../../base/errors.ts';

/** Mirrors Electron's async safeStorage API; electron/main implements it, tests pass a fake. */
export interface SafeStoragePort {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Promise<Buffer>;
  decryptString(data: Buffer): Promise<string>;
  /** True after a decrypt that Electron flagged for re-encryption (OS key rotated); the vault then rewraps its slot. */
  shouldReEncrypt?(): boolean;
}

export interface SafeStorageSlot {
  kind: 'safe-storage';
  wrapped: string;
}

interface WrappedPayload {
  v: 1;
  vaultId: string;
  dek: string;
}

export const BASIC_TEXT_REFUSAL =
  'Electron safeStorage is using the basic_text backend (a hard-coded password, no real protection); Tokenwarden refuses it. ' +
  'Install and unlock a Secret Service (e.g. gnome-keyring or KWallet) or use a passphrase.';
export const SAFE_STORAGE_UNAVAILABLE = 'Electron safeStorage encryption is not available on this system; use a passphrase.';

/**
 * The one `basic_text` refusal (SECURITY S2): the vault's keyslot code and the desktop's safeStorage
 * adapter both ask here. Null when the port gives real OS-backed protection, else the coded error.
 */
export function safeStorageRefusal(port: Pick<SafeStoragePort, 'isEncryptionAvailable' | 'getSelectedStorageBackend'>): TokenwardenError | null {
  // Checked first: with basic_text Electron still says "available", because it "encrypts" with a constant password.
  if (port.getSelectedStorageBackend?.() === 'basic_text') return new TokenwardenError('ERR_INSECURE_STORAGE', BASIC_TEXT_REFUSAL);
  if (!port.isEncryptionAvailable()) return new TokenwardenError('ERR_KEYRING_UNAVAILABLE', SAFE_STORAGE_UNAVAILABLE);
  return null;
}

/** Throws unless the port gives real OS-backed protection. */
export function assertSafeStorageUsable(port: Pick<SafeStoragePort, 'isEncryptionAvailable' | 'getSelectedStorageBackend'>): void {
  const refusal = safeStorageRefusal(port);
  if (refusal) throw refusal;
}

export async function createSafeStorageSlot(dek: Uint8Array, port: SafeStoragePort, vaultId: string): Promise<SafeStorageSlot> {
  assertSafeStorageUsable(port);
  const payload: WrappedPayload = { v: 1, vaultId, dek: Buffer.from(dek).toString('base64') };
  try {
    const wrapped = await port.encryptString(JSON.stringify(payload));
    return { kind: 'safe-storage', wrapped: Buffer.from(wrapped).toString('base64') };
  } catch (err) {
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', 'Electron safeStorage could not encrypt the vault key.', { cause: err });
  }
}

export async function unwrapSafeStorageSlot(slot: SafeStorageSlot, port: SafeStoragePort, vaultId: string): Promise<Buffer> {
  assertSafeStorageUsable(port);
  let text: string;
  try {
    text = await port.decryptString(Buffer.from(slot.wrapped, 'base64'));
  } catch (err) {
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', 'Electron safeStorage could not decrypt the vault key (was the OS keyring reset?).', { cause: err });
  }
  let payload: Partial<WrappedPayload>;
  try {
    payload = JSON.parse(text) as Partial<WrappedPayload>;
  } catch {
    payload = {};
  }
  const dek = typeof payload.dek === 'string' ? Buffer.from(payload.dek, 'base64') : Buffer.alloc(0);
  if (payload.v !== 1 || payload.vaultId !== vaultId || dek.length !== 32) {
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', 'Electron safeStorage returned a key that does not belong to this vault.');
  }
  return dek;
}
