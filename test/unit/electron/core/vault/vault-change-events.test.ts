import { describe, expect, it } from 'vitest';
import { PASSPHRASE, openVault, staticCredential, unlockedVault, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();

describe('Vault change events: every record write reports itself', () => {
  it('insert, update, remove and a reload that brings another writer’s change each notify; secrets and failed writes do not', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    let changes = 0;
    const stop = vault.onChange(() => changes++);
    await vault.insert(staticCredential('a'));
    expect(changes).toBe(1);
    // The writer is not the service: the store still reports it (a background refresh writes like this).
    await vault.update('a', (r) => ({ ...r, lastRefreshAt: new Date().toISOString() }));
    expect(changes).toBe(2);
    await vault.setSecret('proxy-key', 'pk_1234567890');
    expect(changes).toBe(2);
    await expect(vault.update('missing', (r) => r)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    expect(changes).toBe(2);

    const other = await openVault(h);
    await other.unlock(PASSPHRASE);
    await other.insert(staticCredential('b'));
    await vault.reload();
    expect(changes).toBe(3);
    expect(vault.list().map((r) => r.name)).toEqual(['a', 'b']);

    await vault.remove('a');
    expect(changes).toBe(4);
    stop();
    await vault.remove('b');
    expect(changes).toBe(4);
  });
});
