/** Electron safeStorage as the vault's SafeStoragePort: async API first, and never the `basic_text` backend (SECURITY S1, S2). */
import { assertSafeStorageUsable, safeStorageRefusal } from '../core/vault/keyslots/safe-storage-keyslot.ts';

/** The slice of Electron's `safeStorage` used here. */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Buffer;
  decryptString(data: Buffer): string;
  encryptStringAsync?(plain: string): Promise<Buffer>;
  decryptStringAsync?(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

/** Structurally the vault's `SafeStoragePort` (electron/core/vault), plus why it may be refused. */
export interface SafeStorageKeyslot {
  isEncryptionAvailable(): boolean;
  getSelectedStorageBackend?(): string;
  encryptString(plain: string): Promise<Buffer>;
  decryptString(data: Buffer): Promise<string>;
  /** Null when usable; otherwise a sentence for the lock screen explaining the passphrase fallback. */
  refusalReason(): string | null;
  /** True once a decrypt reported the OS key was rotated; the vault should rewrap its keyslot. */
  shouldReEncrypt(): boolean;
}

/** Each platform's guarantee, stated to the user (SECURITY S2). */
export function platformGuarantee(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain: other apps cannot read the vault key without your approval.';
  if (platform === 'win32') return 'Windows DPAPI: protects against other users, not against other programs you run.';
  return 'Linux Secret Service: protects the vault key while your session keyring is locked.';
}

export function createSafeStorageKeyslot(safeStorage: SafeStorageLike): SafeStorageKeyslot {
  let reEncrypt = false;
  // The vault's own refusal (one place decides what basic_text means); checked here again so this adapter
  // never hands a DEK to a constant-password "encryption" even if a caller skips the vault's check.
  const refusalReason = (): string | null => safeStorageRefusal(safeStorage)?.message ?? null;
  const assertUsable = (): void => assertSafeStorageUsable(safeStorage);
  const backend = safeStorage.getSelectedStorageBackend;
  return {
    // Electron's own answer plus the real backend name, so the vault's check can name `basic_text` in the
    // warning it shows the user; encrypt/decrypt below refuse it on their own as well.
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    getSelectedStorageBackend: backend ? () => backend.call(safeStorage) : undefined,
    refusalReason,
    shouldReEncrypt: () => reEncrypt,
    async encryptString(plain) {
      assertUsable();
      if (safeStorage.encryptStringAsync) return safeStorage.encryptStringAsync(plain);
      return safeStorage.encryptString(plain);
    },
    async decryptString(data) {
      assertUsable();
      if (safeStorage.decryptStringAsync) {
        const { result, shouldReEncrypt } = await safeStorage.decryptStringAsync(data);
        if (shouldReEncrypt) reEncrypt = true;
        return result;
      }
      return safeStorage.decryptString(data);
    },
  };
}
