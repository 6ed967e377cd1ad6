/**
 * S-rollback and S1 against the real Secret Service (gnome-keyring), run by `npm run test:keyring`.
 * Without gnome-keyring (TOKENWARDEN_KEYRING_EXPECTED=0) these are skipped; the fake-port tests cover the logic.
 */
import { copyFileSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { napiKeyring } from '../../../../../../electron/core/vault/keyslots/napi-keyring.ts';
import { generationAccount } from '../../../../../../electron/core/vault/rollback-guard.ts';
import { Vault } from '../../../../../../electron/core/vault/vault.ts';
import { FAST_SCRYPT, PASSPHRASE, staticCredential, tempHome } from '../../../../../fixtures/vault-helpers.ts';

const expected = process.env.TOKENWARDEN_KEYRING_EXPECTED === '1';
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function home(): string {
  const t = tempHome('tw-rollback-');
  cleanups.push(t.cleanup);
  return t.home;
}
const vaultIdOf = (path: string): string => (JSON.parse(readFileSync(path, 'utf8')) as { vaultId: string }).vaultId;
const open = (h: string, extra: Partial<Parameters<typeof Vault.open>[0]> = {}) => Vault.open({ home: h, scrypt: FAST_SCRYPT, ...extra });
function forget(path: string): void {
  const id = vaultIdOf(path);
  cleanups.push(() => napiKeyring().deletePassword(id).catch(() => false), () => napiKeyring().deletePassword(generationAccount(id)).catch(() => false));
}

describe.runIf(expected)('S-rollback with the real Secret Service', () => {
  it('S-rollback the keyring records each revision and refuses a copied-back vault.json until --accept-rollback', async () => {
    const h = home();
    const vault = await open(h);
    await vault.unlock();
    forget(vault.path);
    expect(vault.keyslotKinds()).toEqual(['os-keyring']);
    await vault.insert(staticCredential('a'));
    await vault.settled();
    copyFileSync(vault.path, `${vault.path}.old`);
    await vault.insert(staticCredential('b'));
    await vault.remove('a');
    await vault.settled();
    const revision = (JSON.parse(readFileSync(vault.path, 'utf8')) as { revision: number }).revision;
    expect(await napiKeyring().getPassword(generationAccount(vaultIdOf(vault.path)))).toBe(`tokenwarden-generation:v1:${vaultIdOf(vault.path)}:${revision}`);
    copyFileSync(`${vault.path}.old`, vault.path);
    await expect((await open(h)).unlock()).rejects.toMatchObject({ code: 'ERR_ROLLBACK' });
    const accepted = await open(h, { acceptRollback: true });
    await accepted.unlock();
    expect(accepted.list().map((r) => r.name)).toEqual(['a']);
    expect(accepted.warnings().join(' ')).toMatch(/Accepted a rolled-back vault/);
    await (await open(h)).unlock();
  });
});

describe.runIf(expected)('S1 keyslots with the real Secret Service', () => {
  it('S1 a passphrase-only vault stays passphrase-only when the keyring is there, until `keyslot add os-keyring`', async () => {
    const h = home();
    const created = await open(h, { keyring: false });
    await created.unlock(PASSPHRASE);
    const withKeyring = await open(h);
    await withKeyring.unlock(PASSPHRASE);
    forget(withKeyring.path);
    await withKeyring.insert(staticCredential('a'));
    expect(withKeyring.keyslotKinds()).toEqual(['passphrase']);
    expect(await napiKeyring().getPassword(vaultIdOf(withKeyring.path))).toBeNull();
    await withKeyring.changeKeyslots({ action: 'add', kind: 'os-keyring' });
    const byKeyring = await open(h);
    await byKeyring.unlock();
    expect(byKeyring.list().map((r) => r.name)).toEqual(['a']);
    await byKeyring.changeKeyslots({ action: 'remove', kind: 'os-keyring' });
    expect(await napiKeyring().getPassword(vaultIdOf(byKeyring.path))).toBeNull();
    await expect((await open(h)).unlock()).rejects.toMatchObject({ code: 'ERR_LOCKED' });
  });
});
