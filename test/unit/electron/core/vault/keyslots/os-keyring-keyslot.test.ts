import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keyringUnreachable } from '../../../../../../electron/core/vault/keyslots/os-keyring-keyslot.ts';
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
    const vault = await openVault(home(), { keyring, passphrase: () => PASSPHRASE });
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
    // A new vault on a headless machine: the keyring was only an option, so one short line says so and what to run later.
    const [warning, ...rest] = vault.warnings();
    expect(rest).toEqual([]);
    expect(warning).toBe('OS keyring not used (it did not answer): the vault is protected by the passphrase keyslot; `tkw keyslot add os-keyring` adds one where a keyring runs.');
  });

  it('unreachable keyring at creation, no session bus: the one line names the situation, never the raw D-Bus text', async () => {
    const keyring = fakeKeyring();
    keyring.setPassword = () => Promise.reject(new Error('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead'));
    const vault = await openVault(home(), { keyring, passphrase: () => PASSPHRASE });
    await vault.unlock();
    const warnings = vault.warnings();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^OS keyring not used \(no desktop session bus here, as over SSH, in WSL or in CI\): the vault is protected by the passphrase keyslot;/);
    expect(warnings[0]).not.toMatch(/DBUS_SESSION_BUS_ADDRESS|X11|\n/);
    expect(warnings[0]!.length).toBeLessThan(200);
  });

  it('unreachable keyring at unlock: the passphrase slot opens the vault and the reason is reported', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const first = await openVault(h, { keyring, passphrase: () => PASSPHRASE });
    await first.unlock();
    expect(first.keyslotKinds()).toEqual(['os-keyring', 'passphrase']);
    await first.insert(staticCredential('a'));
    keyring.reachable = false;
    const vault = await openVault(h, { keyring, passphrase: () => PASSPHRASE });
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

  it('S1 a passphrase-only vault does not gain an os-keyring or safe-storage slot when one appears later', async () => {
    const h = home();
    const keyring = fakeKeyring();
    keyring.reachable = false;
    const first = await openVault(h, { keyring });
    await first.unlock(PASSPHRASE);
    expect(first.keyslotKinds()).toEqual(['passphrase']);
    keyring.reachable = true;
    const second = await openVault(h, { keyring, safeStorage: fakeSafeStorage() });
    await second.unlock(PASSPHRASE);
    await second.insert(staticCredential('a'));
    expect(second.keyslotKinds()).toEqual(['passphrase']);
    expect(JSON.parse(readFileSync(second.path, 'utf8')).keyslots.map((s: { kind: string }) => s.kind)).toEqual(['passphrase']);
    expect(keyring.store.size).toBe(0);
    await expect((await openVault(h, { keyring })).unlock()).rejects.toMatchObject({ code: 'ERR_LOCKED' });
  });

  it('S1 `keyslot add os-keyring` is the opt-in: afterwards the keyring opens the vault; `remove` takes it away again', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const vault = await openVault(h, { keyring: false });
    await vault.unlock(PASSPHRASE);
    const withKeyring = await openVault(h, { keyring });
    await withKeyring.unlock(PASSPHRASE);
    expect(await withKeyring.changeKeyslots({ action: 'add', kind: 'os-keyring' })).toEqual(['passphrase', 'os-keyring']);
    const byKeyring = await openVault(h, { keyring });
    await byKeyring.unlock();
    expect(byKeyring.isLocked()).toBe(false);
    await expect(byKeyring.changeKeyslots({ action: 'add', kind: 'os-keyring' })).rejects.toMatchObject({ code: 'ERR_EXISTS' });
    expect(await byKeyring.changeKeyslots({ action: 'remove', kind: 'os-keyring' })).toEqual(['passphrase']);
    // The wrapping key is deleted from the keyring too, so an old copy of the file cannot be opened with it.
    expect([...keyring.store.keys()].filter((k) => !k.endsWith('.generation'))).toEqual([]);
    await expect((await openVault(h, { keyring })).unlock()).rejects.toMatchObject({ code: 'ERR_LOCKED' });
  });

  it('S1 the last keyslot cannot be removed, and a missing one is reported', async () => {
    const vault = await openVault(home(), { keyring: false });
    await vault.unlock(PASSPHRASE);
    const err = (await vault.changeKeyslots({ action: 'remove', kind: 'passphrase' }).catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(err.message).toMatch(/only keyslot/);
    await expect(vault.changeKeyslots({ action: 'remove', kind: 'os-keyring' })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(vault.changeKeyslots({ action: 'add', kind: 'os-keyring' })).rejects.toMatchObject({ code: 'ERR_KEYRING_UNAVAILABLE' });
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
  });

  it('S1 adding a passphrase slot to a keyring-only vault needs the new passphrase, which then opens it', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const vault = await openVault(h, { keyring });
    await vault.unlock();
    await expect(vault.changeKeyslots({ action: 'add', kind: 'passphrase' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await vault.changeKeyslots({ action: 'add', kind: 'passphrase', passphrase: 'a new passphrase' });
    const byPassphrase = await openVault(h, { keyring: false });
    await byPassphrase.unlock('a new passphrase');
    expect(byPassphrase.isLocked()).toBe(false);
  });

  it('an unreachable keyring is explained with a remedy, the raw reason shortened at the end', () => {
    const dbus = keyringUnreachable('Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead');
    expect(dbus).toMatch(/^The OS keyring is not reachable\. No desktop session bus is reachable, as over SSH, in WSL or in CI\./);
    expect(dbus).toContain('dbus-run-session');
    expect(dbus).toMatch(/\(Platform failure: DBus error: .{20,}\)$/);
    expect(keyringUnreachable('The name org.freedesktop.secrets was not provided by any .service files')).toContain('No Secret Service is running');
    expect(keyringUnreachable('Prompt dismissed')).toContain('locked or the unlock prompt was dismissed');
    expect(keyringUnreachable('x'.repeat(1000)).length).toBeLessThan(400);
  });
});
