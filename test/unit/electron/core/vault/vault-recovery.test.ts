import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { NewCredential, VaultRecovery } from '../../../../../electron/core/vault/vault.ts';
import { PASSPHRASE, openVault, staticCredential, unlockedVault, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();
const RT1 = 'rt_one_0123456789abcdefghijklmnop';
const RT2 = 'rt_two_0123456789abcdefghijklmnop';

function oauthCredential(name: string, refreshToken: string): NewCredential {
  return {
    name,
    kind: 'oauth',
    hosts: ['https://api.example.com'],
    authPolicy: 'reject',
    tokens: { accessToken: `at_${name}_0123456789`, refreshToken, receivedAt: '2026-01-01T00:00:00.000Z', scopes: [] },
    oauth: { issuer: 'https://idp.example.com', clientId: 'cli', grant: 'auth-code' },
  };
}

/** Flips one base64 letter inside the blob of credential `a`, so only authentication notices. */
function damageRecordOf(path: string, id: string): void {
  const text = readFileSync(path, 'utf8');
  const blob = (JSON.parse(text) as { records: Record<string, string> }).records[id]!;
  const at = text.indexOf(blob) + 10;
  writeFileSync(path, text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1));
}

describe('R2 a fall-back to .bak is never silent', () => {
  it('R2 a damaged file at open: one recovery event for onRecovery and for late subscribers, and the warning says refresh-token loss is unknown', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    await vault.insert(staticCredential('a'));
    await vault.insert(staticCredential('b'));
    writeFileSync(vault.path, '');
    const heard: VaultRecovery[] = [];
    const reopened = await openVault(h, { onRecovery: (r) => heard.push(r) });
    expect(heard).toHaveLength(1);
    expect(heard[0]).toMatchObject({ kind: 'quarantined', staleRefreshTokens: null, backupPath: `${vault.path}.bak` });
    expect(heard[0]!.quarantinedTo).toMatch(/vault\.json\.corrupt-/);
    expect(heard[0]!.message).toMatch(/empty.*moved to .*corrupt.*cannot tell whether the backup holds older refresh tokens/s);
    const late: VaultRecovery[] = [];
    reopened.onRecovery((r) => late.push(r));
    expect(late).toEqual(heard);
    expect(reopened.warnings().join(' ')).toContain('cannot tell whether the backup holds older refresh tokens');
  });

  it('R2 a record that fails authentication: the .bak is loaded and the credential whose refresh token rotated since is named, without the token', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    const a = await vault.insert(staticCredential('a'));
    await vault.insert(oauthCredential('idp', RT1));
    await vault.insert(oauthCredential('steady', RT1));
    // The last write rotates idp's refresh token: the .bak still holds RT1.
    await vault.update('idp', (r) => ({ ...r, tokens: { ...r.tokens!, refreshToken: RT2 } }));
    damageRecordOf(vault.path, a.id);
    const heard: VaultRecovery[] = [];
    const reopened = await openVault(h, { onRecovery: (r) => heard.push(r) });
    expect(heard).toEqual([]);
    await reopened.unlock(PASSPHRASE);
    expect(reopened.get('idp')?.tokens?.refreshToken).toBe(RT1);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.staleRefreshTokens).toEqual(['idp']);
    const text = `${heard[0]!.message} ${reopened.warnings().join(' ')}`;
    expect(text).toMatch(/OLDER refresh token than the one lost for: idp\./);
    expect(text).not.toContain(RT1);
    expect(text).not.toContain(RT2);
    expect(text).not.toContain(RT1.slice(0, 10));
  });

  it('R2 when the lost write did not touch a refresh token, the notice says none was lost', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    const a = await vault.insert(staticCredential('a'));
    await vault.insert(oauthCredential('idp', RT1));
    await vault.update('idp', (r) => ({ ...r, lastUsedAt: '2026-01-02T00:00:00.000Z' }));
    damageRecordOf(vault.path, a.id);
    const heard: VaultRecovery[] = [];
    await (await openVault(h, { onRecovery: (r) => heard.push(r) })).unlock(PASSPHRASE);
    expect(heard.map((r) => r.staleRefreshTokens)).toEqual([[]]);
    expect(heard[0]!.message).toContain('No refresh token was lost');
  });

  it('R2 the refresh-token prints in the file are keyed, not a plain hash anyone could match against a guessed token', async () => {
    const vault = await unlockedVault(home());
    const record = await vault.insert(oauthCredential('idp', RT1));
    const { prints } = JSON.parse(readFileSync(vault.path, 'utf8')) as { prints: Record<string, string> };
    const print = prints[record.id]!;
    expect(print).toMatch(/^[A-Za-z0-9_-]{22}$/);
    for (const input of [RT1, `${record.id}\0${RT1}`]) {
      expect(createHash('sha256').update(input).digest('base64url')).not.toContain(print);
    }
  });
});
