/**
 * The os-keyring keyslot against the real Secret Service (gnome-keyring), run by `npm run test:keyring`.
 * When gnome-keyring is absent (TOKENWARDEN_KEYRING_EXPECTED=0) the same tests prove the fallback instead.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { KEYRING_SERVICE } from '../../../../../../electron/core/vault/keyslots/os-keyring-keyslot.ts';
import { napiKeyring } from '../../../../../../electron/core/vault/keyslots/napi-keyring.ts';
import { Vault } from '../../../../../../electron/core/vault/vault.ts';
import { FAST_SCRYPT, PASSPHRASE, staticCredential, tempHome } from '../../../../../fixtures/vault-helpers.ts';

const expected = process.env.TOKENWARDEN_KEYRING_EXPECTED === '1';
const cleanups: Array<() => void | Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});
function home(): string {
  const t = tempHome('tw-keyring-');
  cleanups.push(t.cleanup);
  return t.home;
}
const vaultIdOf = (path: string): string => (JSON.parse(readFileSync(path, 'utf8')) as { vaultId: string }).vaultId;
const open = (h: string, passphrase?: string) => Vault.open({ home: h, scrypt: FAST_SCRYPT, passphrase: () => passphrase });

describe.runIf(expected)('os-keyring keyslot with a running Secret Service', () => {
  it('the napi port round-trips a value in the real keyring', async () => {
    const keyring = napiKeyring(`${KEYRING_SERVICE}-test`);
    const account = randomBytes(8).toString('hex');
    await keyring.setPassword(account, 'value-1');
    expect(await keyring.getPassword(account)).toBe('value-1');
    expect(await keyring.deletePassword(account)).toBe(true);
    expect(await keyring.getPassword(account)).toBeNull();
  });

  it('a new vault gets an os-keyring slot and reopens with no passphrase at all', async () => {
    const h = home();
    const vault = await open(h);
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['os-keyring']);
    expect(vault.warnings()).toEqual([]);
    await vault.insert(staticCredential('a'));
    const again = await open(h);
    await again.unlock();
    expect(again.list().map((r) => r.name)).toEqual(['a']);
    const id = vaultIdOf(again.path);
    cleanups.push(() => napiKeyring().deletePassword(id));
  });

  it('with a passphrase too, both slots exist and either opens the vault', async () => {
    const h = home();
    const vault = await open(h, PASSPHRASE);
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['os-keyring', 'passphrase']);
    const byPassphrase = await Vault.open({ home: h, keyring: false, scrypt: FAST_SCRYPT });
    await byPassphrase.unlock(PASSPHRASE);
    expect(byPassphrase.isLocked()).toBe(false);
    const id = vaultIdOf(vault.path);
    cleanups.push(() => napiKeyring().deletePassword(id));
  });
});

describe.runIf(!expected)('without a Secret Service the passphrase keyslot is used, with a clear reason', () => {
  it('falls back to the passphrase and names why the keyring was not used', async () => {
    const vault = await open(home(), PASSPHRASE);
    await vault.unlock();
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
    const warning = vault.warnings().join(' ');
    expect(warning).toMatch(/^OS keyring not used \(.+\): the vault is protected by the passphrase keyslot; `tkw keyslot add os-keyring` adds one where a keyring runs\.$/);
  });

  it('no passphrase either: ERR_LOCKED naming the keyring failure and how to unlock; nothing written', async () => {
    const h = home();
    const vault = await open(h);
    const err = (await vault.unlock().catch((e: unknown) => e)) as Error;
    expect(err).toMatchObject({ code: 'ERR_LOCKED' });
    expect(err.message).toMatch(/OS keyring is not reachable/);
    expect(err.message).toContain('TOKENWARDEN_PASSPHRASE');
    expect(vault.isInitialized()).toBe(false);
  });
});
