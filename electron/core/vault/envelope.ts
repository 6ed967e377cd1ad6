/** AES-256-GCM envelope: 96-bit random IV, 128-bit tag, caller-supplied AAD; sealed as base64(iv | ciphertext | tag) (SECURITY S3). */
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes as nodeRandomBytes, type KeyObject } from 'node:crypto';
import { TokenwardenError } from '../base/errors.ts';

export const KEY_BYTES = 32;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;

export type RandomBytes = (size: number) => Buffer;

/** Raw bytes, or a KeyObject made once per unlock: importing a raw key on every call was a third of open time at 10,000 records. */
export type Key = Uint8Array | KeyObject;

/** Node wipes a KeyObject's memory when it is freed; the vault drops its reference on lock. */
export function keyObject(key: Uint8Array): KeyObject {
  assertKey(key);
  return createSecretKey(key);
}

export interface SealOptions {
  randomBytes?: RandomBytes;
}

/** Encrypts `plaintext` under `key` with a fresh IV. The AAD binds the blob to its slot (record id + format version). */
export function seal(key: Key, plaintext: Uint8Array | string, aad: string, options: SealOptions = {}): string {
  assertKey(key);
  const iv = (options.randomBytes ?? nodeRandomBytes)(IV_BYTES);
  if (iv.length !== IV_BYTES) throw new TokenwardenError('ERR_INTERNAL', 'The IV source returned the wrong length.');
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const body = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const ct = Buffer.concat([cipher.update(body), cipher.final()]);
  return Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64');
}

/** Decrypts a sealed blob; any tampering, a wrong key or a wrong AAD throws ERR_CORRUPT. */
export function open(key: Key, sealed: string, aad: string): Buffer {
  assertKey(key);
  const raw = typeof sealed === 'string' ? Buffer.from(sealed, 'base64') : Buffer.alloc(0);
  // Buffer.from silently skips bad base64 characters; then the decoded length no longer matches the text length.
  if (raw.length < IV_BYTES + TAG_BYTES || raw.length !== decodedLength(sealed)) {
    throw new TokenwardenError('ERR_CORRUPT', 'An encrypted block is malformed.');
  }
  const iv = raw.subarray(0, IV_BYTES);
  const tag = raw.subarray(raw.length - TAG_BYTES);
  const ct = raw.subarray(IV_BYTES, raw.length - TAG_BYTES);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    const plain = decipher.update(ct);
    // GCM is a stream mode: final() only checks the tag and returns no bytes, so no concat is needed.
    try {
      decipher.final();
    } catch (err) {
      plain.fill(0); // never leave unauthenticated plaintext behind
      throw err;
    }
    return plain;
  } catch (err) {
    throw new TokenwardenError('ERR_CORRUPT', 'An encrypted block failed authentication.', { cause: err });
  }
}

function decodedLength(text: string): number {
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return text.length % 4 === 0 ? (text.length / 4) * 3 - padding : -1;
}

export function openString(key: Key, sealed: string, aad: string): string {
  const plain = open(key, sealed, aad);
  const text = plain.toString('utf8');
  plain.fill(0);
  return text;
}

/**
 * A cheap fingerprint of a sealed blob for the file MAC: its length and last 24 base64 characters, which
 * fully encode the 16-byte GCM tag (the tag authenticates the rest), so no ciphertext is rehashed.
 */
export function tagOf(sealed: string): string {
  return `${sealed.length}:${sealed.slice(-24)}`;
}

export function newKey(randomBytes: RandomBytes = nodeRandomBytes): Buffer {
  return randomBytes(KEY_BYTES);
}

function assertKey(key: Key): void {
  const size = key instanceof Uint8Array ? key.length : key.symmetricKeySize;
  if (size !== KEY_BYTES) throw new TokenwardenError('ERR_INTERNAL', 'An encryption key has the wrong length.');
}
