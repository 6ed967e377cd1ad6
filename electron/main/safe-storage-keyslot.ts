/** Electron safeStorage as the vault's SafeStoragePort: async API first, and never the `basic_text` backend (SECURITY S1, S2). */

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

export const BASIC_TEXT_REFUSAL =
  'Your desktop has no secret store (Electron reports the "basic_text" backend), which would protect the vault key ' +
  'with a hard-coded password. Tokenwarden will not use it; unlock with your passphrase instead, or start a ' +
  'Secret Service such as gnome-keyring or KWallet.';

export const UNAVAILABLE_REFUSAL = 'OS encryption (safeStorage) is not available on this system; unlock with your passphrase.';

/** Each platform's guarantee, stated to the user (SECURITY S2). */
export function platformGuarantee(platform: NodeJS.Platform): string {
  if (platform === 'darwin') return 'macOS Keychain: other apps cannot read the vault key without your approval.';
  if (platform === 'win32') return 'Windows DPAPI: protects against other users, not against other programs you run.';
  return 'Linux Secret Service: protects the vault key while your session keyring is locked.';
}

export function createSafeStorageKeyslot(safeStorage: SafeStorageLike, platform: NodeJS.Platform = process.platform): SafeStorageKeyslot {
  let reEncrypt = false;
  const refusalReason = (): string | null => {
    // On Linux basic_text "encrypts" with a constant password: refusing it keeps the passphrase slot in charge.
    if (platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text') return BASIC_TEXT_REFUSAL;
    if (!safeStorage.isEncryptionAvailable()) return UNAVAILABLE_REFUSAL;
    return null;
  };
  const assertUsable = (): void => {
    const reason = refusalReason();
    if (reason) throw new SafeStorageRefusedError(reason);
  };
  const backend = safeStorage.getSelectedStorageBackend;
  return {
    // Electron's own answer plus the real backend name, so the vault's check can name `basic_text` in the
    // warning it shows the user; encrypt/decrypt below refuse it on their own as well.
    isEncryptionAvailable: () => safeStorage.isEncryptionAvailable(),
    ...(backend ? { getSelectedStorageBackend: () => backend.call(safeStorage) } : {}),
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

/** Thrown when the keyslot is asked to work on a refused backend; the vault treats it like an unavailable keyslot. */
export class SafeStorageRefusedError extends Error {
  readonly code = 'ERR_KEYRING_UNAVAILABLE' as const;
  constructor(message: string) {
    super(message);
    this.name = 'SafeStorageRefusedError';
  }
}
