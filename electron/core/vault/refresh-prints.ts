/**
 * R2: a keyed fingerprint of each record's refresh token, kept in the file next to the sealed blobs, so that after a
 * fall-back to `.bak` we can say which credentials lost a newer refresh token without ever storing one in the clear.
 * The prints are advisory (outside the MAC): tampering can only produce or hide a warning, never a token.
 */
import { createHmac } from 'node:crypto';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import type { Plain } from './vault-codec.ts';
import type { VaultFile } from './vault-file.ts';

/** Derived from the MAC key under its own label, so the print key opens nothing and authenticates nothing else. */
export function printKey(macKey: Uint8Array): Buffer {
  return createHmac('sha256', macKey).update('tokenwarden refresh-token print v1').digest();
}

export function refreshPrint(key: Uint8Array, id: string, refreshToken: string): string {
  return createHmac('sha256', key).update(`${id}\0${refreshToken}`).digest('base64url').slice(0, 22);
}

/** The file with prints renewed for the records this write changed; untouched records keep theirs. */
export function stampPrints(file: VaultFile, records: Map<string, CredentialRecord | null> | undefined, macKey: Uint8Array): VaultFile {
  if (!records || records.size === 0) return file;
  const prints: Record<string, string> = { ...file.prints };
  const key = printKey(macKey);
  for (const [id, record] of records) {
    const token = record?.tokens?.refreshToken;
    if (token) prints[id] = refreshPrint(key, id, token);
    else delete prints[id];
  }
  key.fill(0);
  return { ...file, prints };
}

/** Names (or ids) of credentials whose refresh token in the decrypted backup is not the one `damaged` recorded. */
export function staleRefreshTokens(damaged: VaultFile, backupPlain: Plain, macKey: Uint8Array): string[] {
  const key = printKey(macKey);
  const stale: string[] = [];
  for (const [id, print] of Object.entries(damaged.prints ?? {})) {
    const record = backupPlain.records.get(id);
    const token = record?.tokens?.refreshToken;
    if (token && refreshPrint(key, id, token) === print) continue;
    stale.push(record?.name ?? `id ${id.slice(0, 8)}… (created after the backup)`);
  }
  key.fill(0);
  return stale.sort();
}
