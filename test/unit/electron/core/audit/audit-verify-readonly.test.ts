import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditDir, fileAuditStorage } from '../../../../../electron/core/audit/audit-files.ts';
import { AuditLog } from '../../../../../electron/core/audit/audit-log.ts';
import { AUDIT_KEY_SECRET } from '../../../../../electron/core/audit/audit-monitor.ts';
import { verifyAuditReadOnly } from '../../../../../electron/core/audit/audit-verify-readonly.ts';
import { VAULT_FILE_NAME } from '../../../../../electron/core/vault/vault-file.ts';
import { AUDIT_KEY, event, rewriteSegment } from '../../../../fixtures/audit-helpers.ts';
import { PASSPHRASE, unlockedVault, useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-verify-ro-', { create: true });

const never = async (): Promise<string> => {
  throw new Error('no prompt expected');
};
const files = (dir: string) => Object.fromEntries(readdirSync(dir).map((name) => [name, readFileSync(join(dir, name), 'utf8')]));

/** A vault holding the chain key, and a log of `actions` sealed with it. */
async function written(dir: string, actions: string[]): Promise<void> {
  const vault = await unlockedVault(dir);
  await vault.setSecret(AUDIT_KEY_SECRET, AUDIT_KEY.toString('base64url'));
  vault.lock();
  const log = new AuditLog({ storage: fileAuditStorage(auditDir(dir)), flushMs: 1 });
  log.setKey(AUDIT_KEY);
  for (const action of actions) log.append(event(action), true);
  await log.close();
}

describe('verify without an owner (L4)', () => {
  it('L4 reads the chain key from the vault and checks the files, asking for the passphrase only when nothing else opens it', async () => {
    const dir = home();
    await written(dir, ['one', 'two', 'three']);
    const before = files(auditDir(dir));
    expect(await verifyAuditReadOnly({ home: dir, passphrase: PASSPHRASE, keyring: false, askPassphrase: never })).toEqual({ intact: true, entries: 3, problem: null });
    let asked = 0;
    const ask = async () => (asked++, PASSPHRASE);
    rewriteSegment(auditDir(dir), 1, (lines) => lines.slice(0, -1));
    const cut = files(auditDir(dir));
    expect((await verifyAuditReadOnly({ home: dir, keyring: false, askPassphrase: ask })).problem).toMatchObject({ reason: 'removed', seq: 3 });
    expect(asked).toBe(1);
    expect(files(auditDir(dir))).toEqual(cut);
    expect(Object.keys(cut)).toEqual(Object.keys(before));
  });

  it('L4 with no vault there is no key: an empty log is intact, a written one cannot be checked, and no vault is created', async () => {
    const dir = home();
    expect(await verifyAuditReadOnly({ home: dir, passphrase: PASSPHRASE, keyring: false, askPassphrase: never })).toEqual({ intact: true, entries: 0, problem: null });
    expect(existsSync(join(dir, VAULT_FILE_NAME))).toBe(false);
    expect(existsSync(auditDir(dir))).toBe(false);

    const log = new AuditLog({ storage: fileAuditStorage(auditDir(dir)), flushMs: 1 });
    log.setKey(AUDIT_KEY);
    log.append(event('orphan'), true);
    await log.close();
    const result = await verifyAuditReadOnly({ home: dir, passphrase: PASSPHRASE, keyring: false, askPassphrase: never });
    expect(result).toMatchObject({ intact: false, problem: { reason: 'unreadable', file: 'audit-000001.jsonl' } });
    expect(result.problem!.message).toContain('the vault holds no audit key');
    expect(existsSync(join(dir, VAULT_FILE_NAME))).toBe(false);
  });
});
