import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { newKey } from '../../../../../../electron/core/vault/envelope.ts';
import { createSafeStorageSlot, unwrapSafeStorageSlot } from '../../../../../../electron/core/vault/keyslots/safe-storage-keyslot.ts';
import { PASSPHRASE, fakeSafeStorage, openVault, staticCredential, useTempHomes } from '../../../../../fixtures/vault-helpers.ts';

const VAULT = 'vault-id-0123456789';
const home = useTempHomes();

describe('safe-storage keyslot', () => {
  it('wraps the DEK through the port and unwraps it again', async () => {
    const port = fakeSafeStorage();
    const dek = newKey();
    const slot = await createSafeStorageSlot(dek, port, VAULT);
    expect(slot.wrapped).not.toContain(dek.toString('base64'));
    expect((await unwrapSafeStorageSlot(slot, port, VAULT)).equals(dek)).toBe(true);
    expect(port.calls).toEqual({ encrypt: 1, decrypt: 1 });
  });

  it('S2 refuses the basic_text backend with ERR_INSECURE_STORAGE and a clear message, before encrypting anything', async () => {
    const port = fakeSafeStorage('basic_text');
    const err = await createSafeStorageSlot(newKey(), port, VAULT).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INSECURE_STORAGE' });
    expect((err as Error).message).toMatch(/basic_text/);
    expect(port.calls.encrypt).toBe(0);
  });

  it('refuses when encryption is unavailable', async () => {
    const port = { ...fakeSafeStorage(), isEncryptionAvailable: () => false };
    await expect(createSafeStorageSlot(newKey(), port, VAULT)).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
  });

  it('a payload for another vault is refused', async () => {
    const port = fakeSafeStorage();
    const slot = await createSafeStorageSlot(newKey(), port, VAULT);
    await expect(unwrapSafeStorageSlot(slot, port, 'other-vault-0123456')).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
  });

  it('a new vault with a usable port opens later without any passphrase', async () => {
    const h = home();
    const port = fakeSafeStorage();
    const vault = await openVault(h, { safeStorage: port });
    await vault.unlock();
    await vault.insert(staticCredential('a'));
    const again = await openVault(h, { safeStorage: port });
    await again.unlock();
    expect(again.keyslotKinds()).toEqual(['safe-storage']);
    expect(again.list().map((r) => r.name)).toEqual(['a']);
  });

  it('S1 when safeStorage asks for re-encryption, the slot is rewrapped and still opens the vault', async () => {
    const h = home();
    const port = fakeSafeStorage();
    const vault = await openVault(h, { safeStorage: port });
    await vault.unlock();
    await vault.insert(staticCredential('a'));
    const revisionBefore = JSON.parse(readFileSync(vault.path, 'utf8')).revision;
    // Only wraps of the DEK count; the same port also seals the rollback generation (S-rollback).
    let wraps = 0;
    const rotating = {
      ...port,
      shouldReEncrypt: () => true,
      encryptString: (plain: string) => ((wraps += plain.includes('"dek"') ? 1 : 0), port.encryptString(plain)),
    };
    const again = await openVault(h, { safeStorage: rotating });
    await again.unlock();
    expect(wraps).toBe(1);
    const after = JSON.parse(readFileSync(vault.path, 'utf8'));
    expect(after.keyslots.map((s: { kind: string }) => s.kind)).toEqual(['safe-storage']);
    expect(after.revision).toBe(revisionBefore + 1);
    const third = await openVault(h, { safeStorage: port });
    await third.unlock();
    expect(third.list().map((r) => r.name)).toEqual(['a']);
  });

  it('S2 basic_text and no passphrase: the vault is not created (never plaintext) and the error says why', async () => {
    const h = home();
    const vault = await openVault(h, { safeStorage: fakeSafeStorage('basic_text') });
    const err = await vault.unlock().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_LOCKED' });
    expect((err as Error).message).toMatch(/basic_text.*TOKENWARDEN_PASSPHRASE/s);
    expect(vault.isInitialized()).toBe(false);
  });

  it('S2 basic_text with a passphrase: only the passphrase slot is created, with a warning', async () => {
    const h = home();
    const vault = await openVault(h, { safeStorage: fakeSafeStorage('basic_text') });
    await vault.unlock(PASSPHRASE);
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
    expect(vault.warnings().join(' ')).toMatch(/basic_text/);
    expect(JSON.parse(readFileSync(vault.path, 'utf8')).keyslots.map((s: { kind: string }) => s.kind)).toEqual(['passphrase']);
  });
});
