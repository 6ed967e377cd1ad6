import { describe, expect, it } from 'vitest';
import { PASSPHRASE, fakeKeyring, fakeSafeStorage, openVault, staticCredential, useTempHomes } from '../../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();

describe('os-keyring keyslot (fake port; the real Secret Service is tested under keyring/)', () => {
  it('stores a random wrapping key under account = vault id, and unlocks with no passphrase', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const vault = await openVault(h, { keyring });
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['os-keyring']);
    await vault.insert(staticCredential('a'));
    const [account, value] = [...keyring.store][0]!;
    expect(Buffer.from(value, 'base64')).toHaveLength(32);
    const again = await openVault(h, { keyring });
    await again.unlock();
    expect(again.list().map((r) => r.name)).toEqual(['a']);
    expect(account).toMatch(/^[A-Za-z0-9_-]{16,}$/);
  });

  it('unreachable keyring at creation: falls back to the passphrase with a warning naming the reason', async () => {
    const keyring = fakeKeyring();
    keyring.reachable = false;
    const vault = await openVault(home(), { keyring, env: { TOKENWARDEN_PASSPHRASE: PASSPHRASE } });
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
    expect(vault.warnings().join(' ')).toMatch(/OS keyring.*Couldn't access platform storage.*passphrase/);
  });

  it('unreachable keyring at unlock: the passphrase slot opens the vault and the reason is reported', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const first = await openVault(h, { keyring, env: { TOKENWARDEN_PASSPHRASE: PASSPHRASE } });
    await first.unlock();
    expect(first.keyslotKinds()).toEqual(['os-keyring', 'passphrase']);
    await first.insert(staticCredential('a'));
    keyring.reachable = false;
    const vault = await openVault(h, { keyring, env: { TOKENWARDEN_PASSPHRASE: PASSPHRASE } });
    await vault.unlock();
    expect(vault.list().map((r) => r.name)).toEqual(['a']);
    expect(vault.warnings().join(' ')).toMatch(/OS keyring keyslot not used.*Couldn't access platform storage.*passphrase keyslot instead/);
  });

  it('unreachable keyring and no passphrase: ERR_LOCKED naming the fix, never plaintext', async () => {
    const h = home();
    const keyring = fakeKeyring();
    keyring.reachable = false;
    const vault = await openVault(h, { keyring });
    const err = await vault.unlock().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_LOCKED' });
    expect((err as Error).message).toMatch(/Couldn't access platform storage.*TOKENWARDEN_PASSPHRASE/s);
    expect(vault.isInitialized()).toBe(false);
  });

  it('a keyring entry that was deleted: clear ERR_KEYRING_UNAVAILABLE', async () => {
    const h = home();
    const keyring = fakeKeyring();
    await (await openVault(h, { keyring })).unlock();
    keyring.store.clear();
    await expect((await openVault(h, { keyring })).unlock()).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
  });

  it('slots for providers that appear later are added on unlock; existing slots are kept', async () => {
    const h = home();
    const keyring = fakeKeyring();
    keyring.reachable = false;
    const first = await openVault(h, { keyring });
    await first.unlock(PASSPHRASE);
    expect(first.keyslotKinds()).toEqual(['passphrase']);
    keyring.reachable = true;
    const port = fakeSafeStorage();
    const second = await openVault(h, { keyring, safeStorage: port });
    await second.unlock(PASSPHRASE);
    expect(second.keyslotKinds()).toEqual(['passphrase', 'safe-storage', 'os-keyring']);
    const third = await openVault(h, { keyring: false, safeStorage: port });
    await third.unlock();
    expect(third.isLocked()).toBe(false);
  });
});
