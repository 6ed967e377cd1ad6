/** The on-disk vault format (version 1): keyslots, a key check, per-record sealed blobs and a MAC binding the set together. */
import { createHmac, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { TokenwardenError } from '../base/errors.ts';
import { tagOf } from './envelope.ts';

export const VAULT_FORMAT = 'tokenwarden-vault';
export const FORMAT_VERSION = 1;
export const VAULT_FILE_NAME = 'vault.json';

export const RECORD_ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;
export const SECRET_KEY_PATTERN = /^[a-z][a-z0-9._:-]{0,63}$/;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

const PassphraseSlotSchema = z
  .object({
    kind: z.literal('passphrase'),
    kdf: z.object({ name: z.literal('scrypt'), N: z.number().int(), r: z.number().int(), p: z.number().int(), salt: b64 }).strict(),
    wrapped: b64,
  })
  .strict();
const OsKeyringSlotSchema = z
  .object({ kind: z.literal('os-keyring'), service: z.string().min(1), account: z.string().min(1), wrapped: b64 })
  .strict();
const SafeStorageSlotSchema = z.object({ kind: z.literal('safe-storage'), wrapped: b64 }).strict();

export const KeyslotSchema = z.discriminatedUnion('kind', [PassphraseSlotSchema, OsKeyringSlotSchema, SafeStorageSlotSchema]);
export type KeyslotData = z.infer<typeof KeyslotSchema>;

export const VaultFileSchema = z
  .object({
    format: z.literal(VAULT_FORMAT),
    version: z.literal(FORMAT_VERSION),
    vaultId: z.string().regex(RECORD_ID_PATTERN),
    /** Bumped on every write, so a reader can tell that another writer changed the file. */
    revision: z.number().int().nonnegative(),
    keyslots: z.array(KeyslotSchema).min(1),
    /** A constant sealed under the DEK: tells "this slot gave the wrong key" apart from "the records are damaged". */
    check: b64,
    // Checked by hand in parseVaultFile: zod over 10,000 entries cost more than decrypting them.
    records: z.custom<Record<string, string>>((v) => isBlobMap(v, RECORD_ID_PATTERN)),
    secrets: z.custom<Record<string, string>>((v) => isBlobMap(v, SECRET_KEY_PATTERN)),
    /** R2: keyed fingerprints of refresh tokens by record id (refresh-prints.ts); advisory, so outside the MAC. */
    prints: z.custom<Record<string, string>>((v) => isBlobMap(v, RECORD_ID_PATTERN)).optional(),
    /** HMAC over the header and every blob's tag: a dropped, added or rolled-back blob fails even though each blob is valid. */
    mac: b64,
  })
  .strict();
export type VaultFile = z.infer<typeof VaultFileSchema>;

export const CHECK_PLAINTEXT = 'tokenwarden-dek-check';

export const recordAad = (id: string) => `tokenwarden:v${FORMAT_VERSION}:record:${id}`;
export const secretAad = (key: string) => `tokenwarden:v${FORMAT_VERSION}:secret:${key}`;
export const checkAad = (vaultId: string) => `tokenwarden:v${FORMAT_VERSION}:check:${vaultId}`;

/** Parses and shape-checks the file; damage is ERR_CORRUPT, a newer format is ERR_UNSUPPORTED_FORMAT. */
export function parseVaultFile(text: string): VaultFile {
  if (text.length === 0) throw new TokenwardenError('ERR_CORRUPT', 'The vault file is empty.');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new TokenwardenError('ERR_CORRUPT', 'The vault file is not valid JSON (truncated or damaged).');
  }
  if (raw && typeof raw === 'object' && (raw as { format?: unknown }).format === VAULT_FORMAT) {
    const version = (raw as { version?: unknown }).version;
    if (typeof version === 'number' && version !== FORMAT_VERSION) {
      throw new TokenwardenError(
        'ERR_UNSUPPORTED_FORMAT',
        `The vault file has format version ${version}; this Tokenwarden reads version ${FORMAT_VERSION}. Upgrade Tokenwarden.`,
      );
    }
  }
  const parsed = VaultFileSchema.safeParse(raw);
  if (!parsed.success) {
    const where = parsed.error.issues[0]?.path.join('.') || 'top level';
    throw new TokenwardenError('ERR_CORRUPT', `The vault file is damaged (unexpected structure at ${where}).`);
  }
  return parsed.data;
}

/** Blob contents are checked when opened (length + GCM tag); here only the shape and the key syntax. */
function isBlobMap(value: unknown, keyPattern: RegExp): boolean {
  if (!value || typeof value !== 'object' || Array.isArray(value) || Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (!Object.hasOwn(value, key) || !keyPattern.test(key) || typeof (value as Record<string, unknown>)[key] !== 'string') return false;
  }
  return true;
}

export function serializeVaultFile(file: VaultFile): string {
  return encodeVaultFile(file).toString('utf8');
}

const SAFE_KEY = /^[A-Za-z0-9_.:-]+$/;

/**
 * Encodes records as cached `"id":"blob"` byte fragments: a persist then re-encodes only the changed record, where
 * JSON.stringify or string building re-encoded all 15 MB at 10,000 credentials (>100 ms per write).
 */
export class FragmentCache {
  #cache = new Map<string, { blob: string; bytes: Buffer }>();

  fragment(key: string, blob: string): Buffer {
    const hit = this.#cache.get(key);
    if (hit && hit.blob === blob) return hit.bytes;
    // Keys match the id pattern; blobs are base64 (sealed here, or proven so by the decoded-length check when opened),
    // so no JSON escaping is needed. The quote/backslash scan is a cheap last guard; a full regex cost 100 ms at 15 MB.
    if (!SAFE_KEY.test(key) || blob.includes('"') || blob.includes('\\')) throw new TokenwardenError('ERR_INTERNAL', 'A vault entry cannot be encoded.');
    const bytes = Buffer.from(`"${key}":"${blob}"`, 'latin1');
    this.#cache.set(key, { blob, bytes });
    return bytes;
  }

  /**
   * Seeds the cache with slices of the bytes the file was read from, so the first write after open does not
   * re-encode every record either. Stops quietly (cache stays cold) if the layout is not the compact one we write.
   */
  prime(raw: Buffer, records: Record<string, string>): void {
    let pos = raw.indexOf('"records":{');
    if (pos < 0) return;
    for (const id in records) {
      const blob = records[id]!;
      const head = `"${id}":"`;
      const start = raw.indexOf(head, pos, 'latin1');
      const end = start + head.length + blob.length + 1;
      // Equal length, a closing quote and no escapes: the raw bytes are exactly the ASCII blob JSON.parse returned.
      if (start < 0 || raw[end - 1] !== 0x22 || raw.subarray(start, end).includes(0x5c)) return;
      this.#cache.set(id, { blob, bytes: raw.subarray(start, end) });
      pos = end;
    }
  }

  /** Drops fragments of entries that no longer exist. */
  retain(keys: Record<string, string>): void {
    for (const key of this.#cache.keys()) if (!Object.hasOwn(keys, key)) this.#cache.delete(key);
  }
}

const COMMA = Buffer.from(',');

export function encodeVaultFile(file: VaultFile, cache: FragmentCache = new FragmentCache()): Buffer {
  return Buffer.concat(encodeVaultFileParts(file, cache));
}

/** The file as byte parts for a vectored write; concatenating 15 MB first cost more than the write itself. */
export function encodeVaultFileParts(file: VaultFile, cache: FragmentCache = new FragmentCache()): Buffer[] {
  const { records, secrets, mac, ...head } = file;
  const parts: Buffer[] = [Buffer.from(`${JSON.stringify(head).slice(0, -1)},"records":{`)];
  let first = true;
  for (const id in records) {
    if (!first) parts.push(COMMA);
    parts.push(cache.fragment(id, records[id]!));
    first = false;
  }
  cache.retain(records);
  parts.push(Buffer.from(`},"secrets":${JSON.stringify(secrets)},"mac":${JSON.stringify(mac)}}`));
  return parts;
}

/** Separate key for the MAC, derived from the DEK, so one key never serves two algorithms. */
export function deriveMacKey(dek: Uint8Array, vaultId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dek, Buffer.from(vaultId), 'tokenwarden vault mac v1', 32));
}

export function computeMac(macKey: Uint8Array, file: Omit<VaultFile, 'mac'>): string {
  const parts = [`${file.format}\n${file.version}\n${file.vaultId}\n${file.revision}\ncheck ${tagOf(file.check)}\n`];
  for (const id in file.records) parts.push(`r ${id} ${tagOf(file.records[id]!)}\n`);
  for (const key in file.secrets) parts.push(`s ${key} ${tagOf(file.secrets[key]!)}\n`);
  // One update call: thousands of small ones cost more in native-call overhead than the hashing itself.
  return createHmac('sha256', macKey).update(parts.join('')).digest('base64');
}
