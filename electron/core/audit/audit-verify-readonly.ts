/**
 * `audit verify` with no owner running (SECURITY L4): the vault is opened on its own, only to read the chain key.
 * No service and no audit writer exist here, so unlocking records no `unlock` entry, and a gap or a cut tail is
 * only reported: appending, rotating, anchoring or sealing a gap would change the evidence being checked. Sealing
 * a gap stays the job of the next owner that writes (audit-log.ts).
 */
import type { AuditVerifyResult } from '../../../shared/audit-model.ts';
import { TokenwardenError } from '../base/errors.ts';
import { Vault, type VaultRecovery } from '../vault/vault.ts';
import { ANCHOR_FILE } from './audit-anchor.ts';
import { auditDir, listSegments, readAnchorFile, segmentName } from './audit-files.ts';
import { AUDIT_KEY_SECRET } from './audit-monitor.ts';
import { verifyAudit } from './audit-reader.ts';

export interface ReadOnlyVerifyOptions {
  home: string;
  /** The environment's passphrase (core/config.ts), tried before asking. */
  passphrase?: string;
  /** `false` skips the OS keyring (tests). */
  keyring?: false;
  acceptRollback?: boolean;
  /** R2: a fall-back to `.bak` while opening; told to the user, since nothing here may write the audit log. */
  onVaultRecovery?: (recovery: VaultRecovery) => void;
  /** The passphrase, when neither the environment's nor a keyring opens the vault; throws to give up. */
  askPassphrase: () => Promise<string>;
}

/** Verifies the chain from the files alone (the anchor stands in for a running owner's last commit). */
export async function verifyAuditReadOnly(options: ReadOnlyVerifyOptions): Promise<AuditVerifyResult> {
  const vault = await Vault.open({
    home: options.home,
    passphrase: () => options.passphrase,
    keyring: options.keyring,
    acceptRollback: options.acceptRollback,
    ...(options.onVaultRecovery ? { onRecovery: options.onVaultRecovery } : {}),
  });
  try {
    // No vault file yet: unlocking would create one, and there is no key to find in it anyway.
    const key = vault.isInitialized() ? await chainKey(vault, options.askPassphrase) : undefined;
    const dir = auditDir(options.home);
    return key ? await verifyAudit(dir, key) : await withoutKey(dir);
  } finally {
    await vault.settled().catch(() => undefined);
    vault.lock();
  }
}

async function chainKey(vault: Vault, askPassphrase: () => Promise<string>): Promise<Buffer | undefined> {
  try {
    await vault.unlock();
  } catch (err) {
    // Only a missing secret is worth asking for; a wrong environment passphrase must fail loudly.
    if (!(err instanceof TokenwardenError) || err.code !== 'ERR_LOCKED') throw err;
    await vault.unlock(await askPassphrase());
  }
  const stored = vault.getSecret(AUDIT_KEY_SECRET);
  return stored ? Buffer.from(stored, 'base64url') : undefined;
}

/** No chain key: an empty log is intact; a written one cannot be checked, which is itself a finding. */
async function withoutKey(dir: string): Promise<AuditVerifyResult> {
  const segments = await listSegments(dir);
  const anchor = await readAnchorFile(dir);
  if (segments.length === 0 && anchor === undefined) return { intact: true, entries: 0, problem: null };
  const file = segments.length > 0 ? segmentName(segments[0]!) : ANCHOR_FILE;
  return {
    intact: false,
    entries: 0,
    problem: { file, line: 1, seq: null, reason: 'unreadable', message: `The audit log cannot be checked: the vault holds no audit key, though ${file} exists (the key was removed, or the vault was replaced).` },
  };
}
