import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Vault } from '../../../../electron/core/vault/vault.ts';
import { BASIC_TEXT_REFUSAL } from '../../../../electron/core/vault/keyslots/safe-storage-keyslot.ts';
import { createSafeStorageKeyslot, platformGuarantee, type SafeStorageLike } from '../../../../electron/main/safe-storage-keyslot.ts';

function fakeSafeStorage(backend: string, overrides: Partial<SafeStorageLike> = {}) {
  const log: string[] = [];
  const s: SafeStorageLike = {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString: (p) => {
      log.push('sync-encrypt');
      return Buffer.from(`enc:${p}`);
    },
    decryptString: (d) => {
      log.push('sync-decrypt');
      return d.toString().slice(4);
    },
    encryptStringAsync: async (p) => {
      log.push('async-encrypt');
      return Buffer.from(`enc:${p}`);
    },
    decryptStringAsync: async (d) => {
      log.push('async-decrypt');
      return { result: d.toString().slice(4), shouldReEncrypt: false };
    },
    ...overrides,
  };
  return { s, log };
}

describe('safeStorage keyslot', () => {
  it('S2 refuses the basic_text backend with the vault\'s one refusal: it names the backend, and encrypt/decrypt reject without touching safeStorage', async () => {
    const { s, log } = fakeSafeStorage('basic_text');
    const slot = createSafeStorageKeyslot(s);
    expect(slot.getSelectedStorageBackend?.()).toBe('basic_text');
    expect(slot.refusalReason()).toBe(BASIC_TEXT_REFUSAL);
    expect(slot.refusalReason()).toMatch(/passphrase/);
    await expect(slot.encryptString('dek')).rejects.toMatchObject({ code: 'ERR_INSECURE_STORAGE', message: BASIC_TEXT_REFUSAL });
    await expect(slot.decryptString(Buffer.from('enc:dek'))).rejects.toThrow(/basic_text/);
    expect(log).toEqual([]);
  });

  it('S1 uses the async API when present and round-trips', async () => {
    const { s, log } = fakeSafeStorage('gnome_libsecret');
    const slot = createSafeStorageKeyslot(s);
    expect(slot.isEncryptionAvailable()).toBe(true);
    expect(slot.getSelectedStorageBackend?.()).toBe('gnome_libsecret');
    const enc = await slot.encryptString('dek-bytes');
    expect(await slot.decryptString(enc)).toBe('dek-bytes');
    expect(log).toEqual(['async-encrypt', 'async-decrypt']);
  });

  it('S1 falls back to the sync API on older Electron', async () => {
    const { s, log } = fakeSafeStorage('kwallet5', { encryptStringAsync: undefined, decryptStringAsync: undefined });
    const slot = createSafeStorageKeyslot(s);
    expect(await slot.decryptString(await slot.encryptString('x'))).toBe('x');
    expect(log).toEqual(['sync-encrypt', 'sync-decrypt']);
  });

  it('S1 records shouldReEncrypt so the vault can rewrap', async () => {
    const { s } = fakeSafeStorage('gnome_libsecret', { decryptStringAsync: async () => ({ result: 'dek', shouldReEncrypt: true }) });
    const slot = createSafeStorageKeyslot(s);
    expect(slot.shouldReEncrypt()).toBe(false);
    await slot.decryptString(Buffer.from('x'));
    expect(slot.shouldReEncrypt()).toBe(true);
  });

  it('S2 an unavailable safeStorage is refused too', async () => {
    const { s } = fakeSafeStorage('unknown', { isEncryptionAvailable: () => false });
    const off = createSafeStorageKeyslot(s);
    expect(off.isEncryptionAvailable()).toBe(false);
    await expect(off.encryptString('dek')).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
    expect(off.refusalReason()).toMatch(/not available/);
    expect(createSafeStorageKeyslot(fakeSafeStorage('keychain').s).refusalReason()).toBeNull();
    expect(platformGuarantee('win32')).toMatch(/not against other programs/);
  });
});

describe('safeStorage keyslot with the real vault', () => {
  it('S2 basic_text: the vault is created on the passphrase keyslot only and warns why', async () => {
    const home = mkdtempSync(path.join(tmpdir(), 'tw-ss-'));
    try {
      const { s, log } = fakeSafeStorage('basic_text');
      const vault = await Vault.open({ home, passphrase: () => 'pass phrase for s2', keyring: false, safeStorage: createSafeStorageKeyslot(s) });
      await vault.unlock();
      expect(vault.keyslotKinds()).toEqual(['passphrase']);
      expect(vault.warnings().join(' ')).toMatch(/basic_text/);
      expect(log).toEqual([]);
      expect(readFileSync(vault.path, 'utf8')).not.toContain('safe-storage');
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
