/** Passphrase keyslot: scrypt (parameters stored in the file) derives a key that wraps the DEK with AES-256-GCM. */
import { randomBytes as nodeRandomBytes, scrypt } from 'node:crypto';
import { TokenwardenError } from '../../base/errors.ts';
import { open, seal, type RandomBytes } from '../envelope.ts';
import { keyslotAad } from './keyslot-aad.ts';

export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

export interface PassphraseSlot {
  kind: 'passphrase';
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  wrapped: string;
}

/** ~100 ms on a 2-core laptop; OWASP's scrypt floor is N=2^17 r=8 p=1 for passwords stored server-side, but this key only guards a local file also covered by OS file modes. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** Bounds for parameters read from a file, so a tampered file cannot make unlock allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_R = 32;
const MAX_P = 16;

export async function createPassphraseSlot(
  dek: Uint8Array,
  passphrase: string,
  vaultId: string,
  params: ScryptParams = DEFAULT_SCRYPT,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<PassphraseSlot> {
  assertPassphrase(passphrase);
  const salt = randomBytes(16).toString('base64');
  const kdf = { name: 'scrypt' as const, ...params, salt };
  const kek = await derive(passphrase, kdf);
  try {
    return { kind: 'passphrase', kdf, wrapped: seal(kek, dek, keyslotAad('passphrase', vaultId), { randomBytes }) };
  } finally {
    kek.fill(0);
  }
}

/** Returns the DEK, or throws ERR_BAD_PASSPHRASE; a wrong passphrase and a damaged slot look the same by design of GCM. */
export async function unwrapPassphraseSlot(slot: PassphraseSlot, passphrase: string, vaultId: string): Promise<Buffer> {
  assertPassphrase(passphrase);
  const kek = await derive(passphrase, slot.kdf);
  try {
    return open(kek, slot.wrapped, keyslotAad('passphrase', vaultId));
  } catch {
    throw new TokenwardenError('ERR_BAD_PASSPHRASE', 'That passphrase does not unlock this vault.');
  } finally {
    kek.fill(0);
  }
}

function derive(passphrase: string, kdf: PassphraseSlot['kdf']): Promise<Buffer> {
  const { N, r, p } = kdf;
  if (!Number.isInteger(N) || N < 2 || N > MAX_N || (N & (N - 1)) !== 0 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) {
    throw new TokenwardenError('ERR_UNSUPPORTED_FORMAT', 'The vault asks for scrypt parameters outside the supported range.');
  }
  const salt = Buffer.from(kdf.salt, 'base64');
  return new Promise((resolve, reject) => {
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r * p }, (err, key) =>
      err ? reject(new TokenwardenError('ERR_INTERNAL', 'The passphrase key derivation failed.', { cause: err })) : resolve(key),
    );
  });
}

function assertPassphrase(passphrase: string): void {
  if (typeof passphrase !== 'string' || passphrase.length === 0) {
    throw new TokenwardenError('ERR_INVALID_INPUT', 'The passphrase is empty.');
  }
}
