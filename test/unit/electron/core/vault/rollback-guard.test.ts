import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GENERATION_MARKER_SECRET, generationAccount } from '../../../../../electron/core/vault/rollback-guard.ts';
import type { Vault } from '../../../../../electron/core/vault/vault.ts';
import { PASSPHRASE, fakeKeyring, fakeSafeStorage, openVault, staticCredential, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();
const vaultIdOf = (path: string): string => (JSON.parse(readFileSync(path, 'utf8')) as { vaultId: string }).vaultId;
const revisionOf = (path: string): number => (JSON.parse(readFileSync(path, 'utf8')) as { revision: number }).revision;

/** Copies the vault file as it is (holding only `a`), then moves on: adds `b` and removes `a`. */
async function copyThenMoveOn(vault: Vault): Promise<string> {
  const old = `${vault.path}.old-copy`;
  copyFileSync(vault.path, old);
  await vault.insert(staticCredential('b'));
  await vault.remove('a');
  await vault.settled();
  return old;
}

/** A vault with `a` and `b`; `old` is a copy taken when only `a` existed (b was added, then a was removed). */
async function withOldCopy(extra: Parameters<typeof openVault>[1]) {
  const h = home();
  const vault = await openVault(h, extra);
  await vault.unlock(PASSPHRASE);
  await vault.insert(staticCredential('a'));
  await vault.settled();
  return { h, vault, old: await copyThenMoveOn(vault) };
}

/** Like withOldCopy, but the copy is taken after the marker (GENERATION_MARKER_SECRET) was written into the vault. */
async function withMarkedOldCopy(extra: Parameters<typeof openVault>[1]) {
  const h = home();
  const vault = await openVault(h, extra);
  await vault.unlock(PASSPHRASE);
  await vault.settled();
  await vault.insert(staticCredential('a'));
  expect(vault.getSecret(GENERATION_MARKER_SECRET)).toBeDefined();
  await vault.settled();
  return { h, vault, old: await copyThenMoveOn(vault) };
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

  it('S-rollback a copied-back older vault.json with the side file deleted is refused (the marker is inside the MAC)', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withMarkedOldCopy({ safeStorage: port });
    copyFileSync(old, vault.path);
    rmSync(`${vault.path}.generation`);
    const rolled = await openVault(h, { safeStorage: port });
    const err = (await rolled.unlock().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_ROLLBACK' });
    expect(err.message).toMatch(/recorded in the safe-storage, but that record is missing or damaged.*--accept-rollback/s);
    expect(rolled.isLocked()).toBe(true);
  });

  it('S-rollback a garbled side file next to a copied-back vault.json is refused, never read as "no record"', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withMarkedOldCopy({ safeStorage: port });
    copyFileSync(old, vault.path);
    for (const text of [Buffer.from('tokenwarden-generation:v1:x:0').toString('base64'), 'not base64 at all']) {
      writeFileSync(`${vault.path}.generation`, text);
      await expect((await openVault(h, { safeStorage: port })).unlock()).rejects.toMatchObject({ code: 'ERR_ROLLBACK' });
    }
  });

  it('S-rollback a deleted side file is accepted only with --accept-rollback, which records the generation again', async () => {
    const port = fakeSafeStorage();
    const { h, vault } = await withMarkedOldCopy({ safeStorage: port });
    rmSync(`${vault.path}.generation`);
    const accepted = await openVault(h, { safeStorage: port, acceptRollback: true });
    await accepted.unlock();
    expect(accepted.warnings().join(' ')).toMatch(/generation record in the safe-storage was missing or damaged/);
    expect(existsSync(`${vault.path}.generation`)).toBe(true);
    const next = await openVault(h, { safeStorage: port });
    await next.unlock();
    expect(next.list().map((r) => r.name)).toEqual(['b']);
  });

  it('S-rollback an unusable safeStorage still only skips the check with a warning (the marker does not lock the user out)', async () => {
    const port = fakeSafeStorage();
    const { h, vault, old } = await withMarkedOldCopy({ safeStorage: port });
    copyFileSync(old, vault.path);
    const unusable = { ...fakeSafeStorage(), isEncryptionAvailable: () => false };
    const opened = await openVault(h, { safeStorage: unusable });
    await opened.unlock(PASSPHRASE);
    expect(opened.warnings().join(' ')).toMatch(/rollback check through the safe-storage was skipped/);
  });

  it('S-rollback residual limit: a copy from before the marker was written, with the side file deleted, still opens', async () => {
    const port = fakeSafeStorage();
    const h = home();
    const vault = await openVault(h, { safeStorage: port });
    await vault.unlock();
    const old = `${vault.path}.old-copy`;
    copyFileSync(vault.path, old); // revision 0: written before any record existed, so it carries no marker
    await vault.settled();
    await vault.insert(staticCredential('a'));
    await vault.settled();
    copyFileSync(old, vault.path);
    rmSync(`${vault.path}.generation`);
    const rolled = await openVault(h, { safeStorage: port });
    await rolled.unlock();
    expect(rolled.list()).toEqual([]);
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

  it('S-rollback a deleted keyring record next to a copied-back vault.json is refused (the marker is inside the MAC)', async () => {
    const keyring = fakeKeyring();
    const { h, vault, old } = await withMarkedOldCopy({ keyring });
    copyFileSync(old, vault.path);
    keyring.store.delete(generationAccount(vaultIdOf(vault.path)));
    await expect((await openVault(h, { keyring })).unlock()).rejects.toMatchObject({ code: 'ERR_ROLLBACK', message: expect.stringMatching(/recorded in the os-keyring/) });
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
