import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CredentialRecord } from '../../../../../electron/core/credentials/credential-record.ts';
import { PASSPHRASE, openVault, staticCredential, unlockedVault, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes();

describe('Vault lifecycle', () => {
  it('a new vault is uninitialised and locked until the first unlock creates it', async () => {
    const h = home();
    const vault = await openVault(h);
    expect(vault.isInitialized()).toBe(false);
    expect(vault.isLocked()).toBe(true);
    await vault.unlock(PASSPHRASE);
    expect(vault.isInitialized()).toBe(true);
    expect(vault.isLocked()).toBe(false);
    expect(vault.keyslotKinds()).toEqual(['passphrase']);
    expect(JSON.parse(readFileSync(vault.path, 'utf8'))).toMatchObject({ format: 'tokenwarden-vault', version: 1 });
  });

  it('persists records and secrets across processes-worth of reopen', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    const inserted = await vault.insert(staticCredential('github'));
    await vault.setSecret('proxy-key', 'pk_1234567890');
    const again = await openVault(h);
    expect(again.isInitialized()).toBe(true);
    await again.unlock(PASSPHRASE);
    expect(again.list()).toEqual([inserted]);
    expect(again.get('github')?.tokens?.accessToken).toBe('tok_github_0123456789abcdef');
    expect(again.getSecret('proxy-key')).toBe('pk_1234567890');
  });

  it('unlocks from TOKENWARDEN_PASSPHRASE when no secret is passed', async () => {
    const h = home();
    await (await unlockedVault(h)).insert(staticCredential('a'));
    const vault = await openVault(h, { passphrase: () => PASSPHRASE });
    await vault.unlock();
    expect(vault.list().map((r) => r.name)).toEqual(['a']);
  });

  it('wrong passphrase -> ERR_BAD_PASSPHRASE, stays locked, file unchanged', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    await vault.insert(staticCredential('a'));
    const before = readFileSync(vault.path);
    const other = await openVault(h);
    await expect(other.unlock('not the passphrase')).rejects.toMatchObject({ code: 'ERR_BAD_PASSPHRASE' });
    expect(other.isLocked()).toBe(true);
    expect(readFileSync(vault.path).equals(before)).toBe(true);
  });

  it('no passphrase and no keyring -> ERR_LOCKED telling the user what to do', async () => {
    const vault = await openVault(home());
    const err = await vault.unlock().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_LOCKED' });
    expect((err as Error).message).toContain('TOKENWARDEN_PASSPHRASE');
    expect((err as Error).message).toContain('tokenwarden unlock');
    expect(vault.isInitialized()).toBe(false);
  });

  it('lock drops the DEK: every secret operation throws ERR_LOCKED', async () => {
    const vault = await unlockedVault(home());
    await vault.insert(staticCredential('a'));
    vault.lock();
    expect(vault.isLocked()).toBe(true);
    const locked = expect.objectContaining({ code: 'ERR_LOCKED' });
    expect(() => vault.list()).toThrow(locked);
    expect(() => vault.get('a')).toThrow(locked);
    expect(() => vault.getSecret('proxy-key')).toThrow(locked);
    await expect(vault.insert(staticCredential('b'))).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await expect(vault.update('a', (r) => r)).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await expect(vault.remove('a')).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await expect(vault.setSecret('k', 'v')).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    await vault.unlock(PASSPHRASE);
    expect(vault.list().map((r) => r.name)).toEqual(['a']);
  });

  it('a lock() during an in-flight write does not bring plaintext back into memory', async () => {
    const vault = await unlockedVault(home());
    const pending = vault.insert(staticCredential('a'));
    // One microtask lets the queued insert seal its record and start the file write; then we lock mid-write.
    await Promise.resolve();
    vault.lock();
    await expect(pending).resolves.toMatchObject({ name: 'a' });
    expect(() => vault.list()).toThrow(expect.objectContaining({ code: 'ERR_LOCKED' }));
    await vault.unlock(PASSPHRASE);
    expect(vault.get('a')).toBeDefined();
  });
});

describe('Vault records', () => {
  it('insert assigns id, revision 0 and timestamps from the injected clock; names are unique', async () => {
    const now = new Date('2026-03-01T10:00:00.000Z');
    const vault = await unlockedVault(home(), { clock: () => now });
    const record = await vault.insert(staticCredential('a'));
    expect(record).toMatchObject({ name: 'a', revision: 0, createdAt: now.toISOString(), updatedAt: now.toISOString() });
    expect(record.id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
    await expect(vault.insert(staticCredential('a'))).rejects.toMatchObject({ code: 'ERR_EXISTS' });
    expect(vault.list()).toHaveLength(1);
  });

  it('update bumps revision and updatedAt, keeps id and createdAt, persists before resolving', async () => {
    let now = new Date('2026-03-01T10:00:00.000Z');
    const h = home();
    const vault = await unlockedVault(h, { clock: () => now });
    const created = await vault.insert(staticCredential('a'));
    now = new Date('2026-03-01T11:00:00.000Z');
    const updated = await vault.update('a', (r) => ({ ...r, id: 'x'.repeat(20), hosts: ['https://b.example.com'], revision: 99 }));
    expect(updated).toMatchObject({ id: created.id, createdAt: created.createdAt, revision: 1, updatedAt: now.toISOString() });
    const reopened = await unlockedVault(h);
    expect(reopened.get('a')).toEqual(updated);
  });

  it('update can rename, but not onto an existing name; unknown names are ERR_NOT_FOUND', async () => {
    const vault = await unlockedVault(home());
    await vault.insert(staticCredential('a'));
    await vault.insert(staticCredential('b'));
    await expect(vault.update('a', (r) => ({ ...r, name: 'b' }))).rejects.toMatchObject({ code: 'ERR_EXISTS' });
    await vault.update('a', (r) => ({ ...r, name: 'c' }));
    expect(vault.list().map((r) => r.name)).toEqual(['b', 'c']);
    await expect(vault.update('zzz', (r) => r)).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    await expect(vault.remove('zzz')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('list() stays sorted and current across insert, rename, remove and reload, and callers cannot disturb it', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    await vault.insert(staticCredential('m'));
    expect(vault.list().map((r) => r.name)).toEqual(['m']);
    await vault.insert(staticCredential('b'));
    const listed = vault.list();
    listed.pop();
    expect(vault.list().map((r) => r.name)).toEqual(['b', 'm']);
    await vault.update('b', (r) => ({ ...r, name: 'z' }));
    expect(vault.list().map((r) => r.name)).toEqual(['m', 'z']);
    await vault.remove('m');
    expect(vault.list().map((r) => r.name)).toEqual(['z']);
    const other = await unlockedVault(h);
    await other.insert(staticCredential('a'));
    await vault.reload();
    expect(vault.list().map((r) => r.name)).toEqual(['a', 'z']);
  });

  it('records handed out are frozen, so callers cannot change vault state behind its back', async () => {
    const vault = await unlockedVault(home());
    await vault.insert(staticCredential('a'));
    const record = vault.get('a') as CredentialRecord;
    expect(() => {
      (record as { name: string }).name = 'hacked';
    }).toThrow(TypeError);
    expect(vault.get('a')?.name).toBe('a');
  });

  it('concurrent updates are serialised: none is lost', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    await vault.insert({ ...staticCredential('a'), hosts: ['https://h0.example.com'] });
    await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        vault.update('a', (r) => ({ ...r, hosts: [...r.hosts, `https://h${i + 1}.example.com`] })),
      ),
    );
    const reopened = await unlockedVault(h);
    expect(reopened.get('a')?.hosts).toHaveLength(26);
    expect(reopened.get('a')?.revision).toBe(25);
  });

  it('remove deletes the record and its ciphertext', async () => {
    const h = home();
    const vault = await unlockedVault(h);
    const { id } = await vault.insert(staticCredential('a'));
    await vault.remove('a');
    expect(vault.get('a')).toBeUndefined();
    expect(JSON.parse(readFileSync(vault.path, 'utf8')).records[id]).toBeUndefined();
  });

  it('setSecret(key, undefined) deletes; bad keys and empty values are ERR_INVALID_INPUT', async () => {
    const vault = await unlockedVault(home());
    await vault.setSecret('proxy-ca', 'pem');
    await vault.setSecret('proxy-ca', undefined);
    expect(vault.getSecret('proxy-ca')).toBeUndefined();
    await expect(vault.setSecret('Bad Key', 'v')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(vault.setSecret('__proto__', 'v')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(vault.setSecret('k', '')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
  });

  it('reload picks up another writer\'s change', async () => {
    const h = home();
    const reader = await unlockedVault(h);
    await reader.insert(staticCredential('a'));
    const writer = await unlockedVault(h);
    await writer.update('a', (r) => ({ ...r, tokens: { ...r.tokens!, accessToken: 'rotated_token_value' } }));
    await writer.insert(staticCredential('b'));
    expect(reader.get('a')?.tokens?.accessToken).toBe('tok_a_0123456789abcdef');
    await reader.reload();
    expect(reader.get('a')?.tokens?.accessToken).toBe('rotated_token_value');
    expect(reader.list().map((r) => r.name)).toEqual(['a', 'b']);
  });
});

describe('Vault rejects bad records with ERR_INVALID_INPUT and keeps the rest', () => {
  const cases: Array<[string, (c: ReturnType<typeof staticCredential>) => unknown]> = [
    ['a name with spaces', (c) => ({ ...c, name: 'my token' })],
    ['a name with slashes', (c) => ({ ...c, name: 'a/b' })],
    ['a host with a path', (c) => ({ ...c, hosts: ['https://api.example.com/path'] })],
    ['a host without scheme', (c) => ({ ...c, hosts: ['api.example.com/path'] })],
    ['an ftp host', (c) => ({ ...c, hosts: ['ftp://x'] })],
    ['no host', (c) => ({ ...c, hosts: [] })],
    ['an empty token', (c) => ({ ...c, tokens: { ...c.tokens!, accessToken: '' } })],
    ['a token with a newline', (c) => ({ ...c, tokens: { ...c.tokens!, accessToken: 'abc\ndef' } })],
    ['a token with CRLF', (c) => ({ ...c, tokens: { ...c.tokens!, accessToken: 'abc\r\nX-Injected: 1' } })],
    ['an unknown field', (c) => ({ ...c, extra: 1 })],
  ];
  it.each(cases)('%s', async (_label, mutate) => {
    const vault = await unlockedVault(home());
    await vault.insert(staticCredential('keep'));
    const before = readFileSync(vault.path);
    const err = await vault.insert(mutate(staticCredential('bad')) as ReturnType<typeof staticCredential>).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect((err as Error).message).not.toContain('abc');
    await expect(vault.update('keep', (r) => ({ ...r, ...(mutate(staticCredential('keep')) as object), id: r.id }))).rejects.toMatchObject({
      code: 'ERR_INVALID_INPUT',
    });
    expect(readFileSync(vault.path).equals(before)).toBe(true);
    expect(vault.list().map((r) => r.name)).toEqual(['keep']);
  });
});
