/** OS keyring keyslot: a random wrapping key lives in the Secret Service / Keychain / Credential Manager; the file holds the DEK wrapped by it. */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { TokenwardenError } from '../../errors.ts';
import { open, seal, type RandomBytes } from '../envelope.ts';
import { keyslotAad } from './keyslot-aad.ts';

export const KEYRING_SERVICE = 'tokenwarden';

/** The few keyring calls the vault needs; the default goes to @napi-rs/keyring, tests may pass a fake. */
export interface KeyringPort {
  getPassword(account: string): Promise<string | null>;
  setPassword(account: string, value: string): Promise<void>;
  deletePassword(account: string): Promise<boolean>;
}

export interface OsKeyringSlot {
  kind: 'os-keyring';
  service: string;
  account: string;
  wrapped: string;
}

export async function createOsKeyringSlot(
  dek: Uint8Array,
  keyring: KeyringPort,
  vaultId: string,
  randomBytes: RandomBytes = nodeRandomBytes,
): Promise<OsKeyringSlot> {
  const wrappingKey = randomBytes(32);
  try {
    await call(() => keyring.setPassword(vaultId, wrappingKey.toString('base64')));
    return { kind: 'os-keyring', service: KEYRING_SERVICE, account: vaultId, wrapped: seal(wrappingKey, dek, keyslotAad('os-keyring', vaultId), { randomBytes }) };
  } finally {
    wrappingKey.fill(0);
  }
}

export async function unwrapOsKeyringSlot(slot: OsKeyringSlot, keyring: KeyringPort, vaultId: string): Promise<Buffer> {
  const stored = await call(() => keyring.getPassword(slot.account));
  if (!stored) {
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', `The OS keyring has no Tokenwarden key for vault ${vaultId}.`);
  }
  const wrappingKey = Buffer.from(stored, 'base64');
  try {
    if (wrappingKey.length !== 32) throw new Error('bad length');
    return open(wrappingKey, slot.wrapped, keyslotAad('os-keyring', vaultId));
  } catch {
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', 'The key in the OS keyring does not unlock this vault.');
  } finally {
    wrappingKey.fill(0);
  }
}

/** Translates keyring failures ("Couldn't access platform storage", D-Bus errors) into one coded error; their text holds no secret. */
async function call<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (err) {
    const reason = err instanceof Error ? err.message.slice(0, 200) : 'unknown error';
    throw new TokenwardenError('ERR_KEYRING_UNAVAILABLE', `The OS keyring is not reachable: ${reason}`, { cause: err });
  }
}
