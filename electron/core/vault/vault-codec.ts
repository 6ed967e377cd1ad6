/** Verifies and decrypts a loaded vault file, reusing already-decrypted records whose ciphertext did not change. */
import { timingSafeEqual } from 'node:crypto';
import { TokenwardenError } from '../base/errors.ts';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { openString, seal, type Key, type RandomBytes } from './envelope.ts';
import { CHECK_PLAINTEXT, FORMAT_VERSION, VAULT_FORMAT, checkAad, computeMac, recordAad, secretAad, type KeyslotData, type VaultFile } from './vault-file.ts';

export interface Plain {
  records: Map<string, CredentialRecord>;
  secrets: Map<string, string>;
}

export interface PreviousState {
  sealed: Readonly<Record<string, string>>;
  records: Map<string, CredentialRecord>;
}

/** True when `dek` opens this file's key-check blob. */
export function keyMatches(file: VaultFile, dek: Key): boolean {
  try {
    return openString(dek, file.check, checkAad(file.vaultId)) === CHECK_PLAINTEXT;
  } catch {
    return false;
  }
}

/** Throws ERR_CORRUPT when the MAC or any blob fails; the file's records were validated when written, so only their ids are rechecked. */
export function decryptVault(file: VaultFile, dek: Key, macKey: Uint8Array, previous?: PreviousState): Plain {
  if (!keyMatches(file, dek)) throw new TokenwardenError('ERR_CORRUPT', 'The vault file failed its key check.');
  const expected = Buffer.from(computeMac(macKey, file), 'base64');
  const actual = Buffer.from(file.mac, 'base64');
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) {
    throw new TokenwardenError('ERR_CORRUPT', 'The vault file failed its integrity check (records added, removed or altered).');
  }
  const records = new Map<string, CredentialRecord>();
  for (const [id, blob] of Object.entries(file.records)) {
    const known = previous && Object.hasOwn(previous.sealed, id) && previous.sealed[id] === blob ? previous.records.get(id) : undefined;
    if (known) {
      records.set(id, known);
      continue;
    }
    let record: CredentialRecord;
    try {
      record = JSON.parse(openString(dek, blob, recordAad(id))) as CredentialRecord;
    } catch (err) {
      throw new TokenwardenError('ERR_CORRUPT', `Credential record ${id} failed authentication.`, { cause: err });
    }
    if (record?.id !== id) throw new TokenwardenError('ERR_CORRUPT', `Credential record ${id} holds a different id.`);
    records.set(id, deepFreeze(record));
  }
  const secrets = new Map<string, string>();
  for (const [key, blob] of Object.entries(file.secrets)) secrets.set(key, openString(dek, blob, secretAad(key)));
  return { records, secrets };
}

/** A new, empty vault file: its key check and MAC, no records. */
export function createVaultFile(vaultId: string, dek: Key, macKey: Uint8Array, keyslots: KeyslotData[], randomBytes?: RandomBytes): VaultFile {
  const body = {
    format: VAULT_FORMAT,
    version: FORMAT_VERSION,
    vaultId,
    revision: 0,
    keyslots,
    check: seal(dek, CHECK_PLAINTEXT, checkAad(vaultId), { randomBytes }),
    records: {},
    secrets: {},
  } satisfies Omit<VaultFile, 'mac'>;
  return { ...body, mac: computeMac(macKey, body) };
}

/** A write: `null` removes a record or secret. */
export interface Changes {
  records?: Map<string, CredentialRecord | null>;
  secrets?: Map<string, string | null>;
  keyslots?: KeyslotData[];
}

/** Returns the next file: only changed blobs are sealed again, the rest are copied as ciphertext; revision and MAC are renewed. */
export function applyChanges(file: VaultFile, changes: Changes, dek: Key, macKey: Uint8Array, randomBytes?: RandomBytes): VaultFile {
  const records: Record<string, string> = { ...file.records };
  for (const [id, record] of changes.records ?? []) {
    if (record) records[id] = seal(dek, JSON.stringify(record), recordAad(id), { randomBytes });
    else delete records[id];
  }
  const secrets: Record<string, string> = { ...file.secrets };
  for (const [key, value] of changes.secrets ?? []) {
    if (value !== null) secrets[key] = seal(dek, value, secretAad(key), { randomBytes });
    else delete secrets[key];
  }
  const body = { ...file, revision: file.revision + 1, keyslots: changes.keyslots ?? file.keyslots, records, secrets };
  return { ...body, mac: computeMac(macKey, body) };
}

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
