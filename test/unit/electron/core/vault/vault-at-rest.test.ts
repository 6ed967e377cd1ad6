import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PASSPHRASE, fakeKeyring, fakeSafeStorage, openVault, unlockedVault, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-at-rest-');

const CANARY = 'tw_canary_7f3a9c1e5b2d8f4a6c0e1b3d5f7a9c2e';
const REFRESH_CANARY = 'rt_canary_0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e';

/** Every encoding a careless writer might use for the canary. */
function needles(secret: string): string[] {
  const buf = Buffer.from(secret);
  return [secret, buf.toString('base64'), buf.toString('base64url'), buf.toString('hex'), secret.slice(0, 24)];
}

describe('vault at rest', () => {
  it('S4 the data dir is 0700 and every file in it 0600, including the backup, after the first writes', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    await vault.setSecret('proxy-key', 'k1');
    await vault.setSecret('proxy-key', 'k2');
    expect(statSync(h).mode & 0o777).toBe(0o700);
    const files = readdirSync(h);
    expect(files.sort()).toEqual(['vault.json', 'vault.json.bak']);
    for (const file of files) expect(statSync(join(h, file)).mode & 0o777).toBe(0o600);
  });

  it('S4 Vault.open creates a missing data dir 0700 and refuses a data dir that is a file', async () => {
    const h = join(home(), 'nested', 'tokenwarden');
    const vault = await openVault(h);
    expect(statSync(h).mode & 0o777).toBe(0o700);
    expect(vault.isInitialized()).toBe(false);
    const file = join(home(), 'file');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, 'x');
    await expect(openVault(file)).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('S7 canary: neither the token, the refresh token, the passphrase nor the DEK-wrapped secrets appear in any file, in any common encoding', async () => {
    const h = home();
    const keyring = fakeKeyring();
    const vault = await openVault(h, { keyring, safeStorage: fakeSafeStorage(), passphrase: () => PASSPHRASE });
    await vault.unlock();
    await vault.insert({
      name: 'canary',
      kind: 'oauth',
      hosts: ['https://api.example.com'],
      authPolicy: 'reject',
      tokens: { accessToken: CANARY, refreshToken: REFRESH_CANARY, receivedAt: '2026-01-01T00:00:00.000Z', scopes: ['read'] },
      oauth: { issuer: 'https://idp.example.com', clientId: 'cli', clientSecret: 'cs_canary_value_1234567890', grant: 'auth-code' },
    });
    await vault.setSecret('proxy-key', 'pk_canary_value_1234567890');
    await vault.update('canary', (r) => ({ ...r, lastUsedAt: '2026-01-02T00:00:00.000Z' }));
    expect(vault.keyslotKinds().sort()).toEqual(['os-keyring', 'passphrase', 'safe-storage']);
    const secrets = [CANARY, REFRESH_CANARY, PASSPHRASE, 'cs_canary_value_1234567890', 'pk_canary_value_1234567890', ...keyring.store.values()];
    const files = readdirSync(h);
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const bytes = readFileSync(join(h, file)).toString('latin1');
      for (const secret of secrets) for (const needle of needles(secret)) expect(bytes.includes(needle), `${needle} in ${file}`).toBe(false);
    }
    // The check must be able to fail: the decrypted vault does hold the canary.
    expect(vault.get('canary')?.tokens?.accessToken).toBe(CANARY);
  });

  it('S7 error messages from a failed insert do not echo the token', async () => {
    const vault = await unlockedVault(home());
    const err = await vault
      .insert({ name: 'bad name', kind: 'static', hosts: ['ftp://x'], authPolicy: 'reject', tokens: { accessToken: `${CANARY}\n`, receivedAt: 'x', scopes: [] } })
      .catch((e: unknown) => e as Error);
    expect((err as { code?: string }).code).toBe('ERR_INVALID_INPUT');
    expect((err as Error).message).not.toContain(CANARY.slice(0, 12));
  });
});
