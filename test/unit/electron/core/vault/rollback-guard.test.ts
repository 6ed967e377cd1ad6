import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generationAccount } from '../../../../../electron/core/vault/rollback-guard.ts';
import { PASSPHRASE, fakeKeyring, fakeSafeStorage, openVault, staticCredential, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();
const vaultIdOf = (path: string): string => (JSON.parse(readFileSync(path, 'utf8')) as { vaultId: string }).vaultId;
const revisionOf = (path: string): number => (JSON.parse(readFileSync(path, 'utf8')) as { revision: number }).revision;

/** A vault with `a` and `b`; `old` is a copy taken when only `a` existed (b was added, then a was removed). */
async function withOldCopy(extra: Parameters<typeof openVault>[1]) {
  const h = home();
  const vault = await openVault(h, extra);
  await vault.unlock(PASSPHRASE);
  await vault.insert(staticCredential('a'));
  await vault.settled();
  const old = `${vault.path}.old-copy`;
  copyFileSync(vault.path, old);
  await vault.insert(staticCredential('b'));
  await vault.remove('a');
  await vault.settled();
  return { h, vault, old };
}

describe('S-rollback with a safeStorage slot (fake port)', () => {
  it('S-rollback a copied-back older vault.json is refused with ERR_ROLLBACK; nothing is opened', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withOldCopy({ safeStorage: port });
    expect(existsSync(`${vault.path}.generation`)).toBe(true);
    copyFileSync(old, vault.path);
    const rolled = await openVault(h, { safeStorage: port });
    const err = (await rolled.unlock().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_ROLLBACK' });
    expect(err.message).toMatch(/revision \d+.*recorded revision \d+.*--accept-rollback/s);
    expect(rolled.isLocked()).toBe(true);
  });

  it('S-rollback --accept-rollback opens it with a warning and lowers the record, so the next open needs no flag', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withOldCopy({ safeStorage: port });
    copyFileSync(old, vault.path);
    const accepted = await openVault(h, { safeStorage: port, acceptRollback: true });
    await accepted.unlock();
    expect(accepted.list().map((r) => r.name)).toEqual(['a']);
    expect(accepted.warnings().join(' ')).toMatch(/Accepted a rolled-back vault/);
    const next = await openVault(h, { safeStorage: port });
    await next.unlock();
    expect(next.isLocked()).toBe(false);
  });

  it('S-rollback a tampered generation record is reported, never read as "no record"', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withOldCopy({ safeStorage: port });
    writeFileSync(`${vault.path}.generation`, Buffer.from('tokenwarden-generation:v1:x:0').toString('base64'));
    copyFileSync(old, vault.path);
    const rolled = await openVault(h, { safeStorage: port });
    await rolled.unlock();
    expect(rolled.warnings().join(' ')).toMatch(/rollback check through the safe-storage was skipped: The recorded vault generation is unreadable/);
  });

  it('S-rollback a .bak recovery (one revision back) is not mistaken for a rollback', async () => {
    const port = fakeSafeStorage();
    const h = home();
    const vault = await openVault(h, { safeStorage: port });
    await vault.unlock();
    await vault.insert(staticCredential('a'));
    await vault.insert(staticCredential('b'));
    await vault.settled();
    writeFileSync(vault.path, '');
    const recovered = await openVault(h, { safeStorage: port });
    await recovered.unlock();
    expect(recovered.list().map((r) => r.name)).toEqual(['a']);
  });

  it('S-rollback without a keyring or safeStorage slot there is no record, so no check (the documented limit)', async () => {
    const { h, vault, old } = await withOldCopy({});
    expect(existsSync(`${vault.path}.generation`)).toBe(false);
    copyFileSync(old, vault.path);
    const rolled = await openVault(h);
    await rolled.unlock(PASSPHRASE);
    expect(rolled.list().map((r) => r.name)).toEqual(['a']);
  });
});

describe('S-rollback with an os-keyring slot (fake port; the real Secret Service runs under keyring/)', () => {
  it('S-rollback the keyring holds the highest revision, and an older file is refused until accepted', async () => {
    const keyring = fakeKeyring();
    const { h, vault, old } = await withOldCopy({ keyring });
    const account = generationAccount(vaultIdOf(vault.path));
    expect(keyring.store.get(account)).toBe(`tokenwarden-generation:v1:${vaultIdOf(vault.path)}:${revisionOf(vault.path)}`);
    copyFileSync(old, vault.path);
    await expect((await openVault(h, { keyring })).unlock()).rejects.toMatchObject({ code: 'ERR_ROLLBACK' });
    const accepted = await openVault(h, { keyring, acceptRollback: true });
    await accepted.unlock();
    expect(keyring.store.get(account)).toBe(`tokenwarden-generation:v1:${vaultIdOf(vault.path)}:${revisionOf(vault.path)}`);
  });

  it('S-rollback an unreachable keyring skips the check with a warning, and the passphrase still opens the vault', async () => {
    const keyring = fakeKeyring();
    const { h, vault, old } = await withOldCopy({ keyring });
    copyFileSync(old, vault.path);
    keyring.reachable = false;
    const vaultNow = await openVault(h, { keyring });
    await vaultNow.unlock(PASSPHRASE);
    expect(vaultNow.warnings().join(' ')).toMatch(/rollback check through the os-keyring was skipped/);
  });
});

describe('S-rollback while the vault is open (no keyring needed)', () => {
  it('S-rollback a reload that finds an older authentic file locks the vault with ERR_ROLLBACK instead of loading it', async () => {
    const { vault, old } = await withOldCopy({});
    copyFileSync(old, vault.path);
    await expect(vault.reload()).rejects.toMatchObject({ code: 'ERR_ROLLBACK' });
    expect(vault.isLocked()).toBe(true);
  });

  it('S-rollback a reload of a newer file (another writer moved on) is fine', async () => {
    const h = home();
    const vault = await openVault(h);
    await vault.unlock(PASSPHRASE);
    await vault.insert(staticCredential('a'));
    const sibling = await openVault(h);
    await sibling.unlock(PASSPHRASE);
    await sibling.insert(staticCredential('b'));
    await vault.reload();
    expect(vault.list().map((r) => r.name)).toEqual(['a', 'b']);
  });
});
