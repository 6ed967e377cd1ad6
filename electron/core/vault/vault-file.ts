/** The on-disk vault format (version 1): keyslots, a key check, per-record sealed blobs and a MAC binding the set together. */
import { createHmac, hkdfSync } from 'node:crypto';
import { z } from 'zod';
import { TokenwardenError } from '../errors.ts';
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
    records: z.record(z.string().regex(RECORD_ID_PATTERN), b64),
    secrets: z.record(z.string().regex(SECRET_KEY_PATTERN), b64),
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

export function serializeVaultFile(file: VaultFile): string {
  return JSON.stringify(file);
}

/** Separate key for the MAC, derived from the DEK, so one key never serves two algorithms. */
export function deriveMacKey(dek: Uint8Array, vaultId: string): Buffer {
  return Buffer.from(hkdfSync('sha256', dek, Buffer.from(vaultId), 'tokenwarden vault mac v1', 32));
}

export function computeMac(macKey: Uint8Array, file: Omit<VaultFile, 'mac'>): string {
  const hmac = createHmac('sha256', macKey);
  hmac.update(`${file.format}\n${file.version}\n${file.vaultId}\n${file.revision}\ncheck ${tagOf(file.check)}\n`);
  for (const [id, blob] of Object.entries(file.records)) hmac.update(`r ${id} ${tagOf(blob)}\n`);
  for (const [key, blob] of Object.entries(file.secrets)) hmac.update(`s ${key} ${tagOf(blob)}\n`);
  return hmac.digest('base64');
}
