/** OS keyring keyslot: a random wrapping key lives in the Secret Service / Keychain / Credential Manager; the file holds the DEK wrapped by it. */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { TokenwardenError } from '../../base/errors.ts';
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
    throw new KeyringUnreachableError(err instanceof Error ? err.message : 'unknown error', { cause: err });
  }
}

/**
 * The keyring could not be reached. `message` says what to do about it, in words: the library passes D-Bus's own
 * text through ("Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time,
 * set your DBUS_SESSION_BUS_ADDRESS instead"), which names the mechanism but not the remedy; the raw text stays at
 * the end, shortened. `situation` is the same in a few words, for the places (a new vault on a headless machine)
 * where the keyring was only an option and one line is enough.
 */
export class KeyringUnreachableError extends TokenwardenError {
  readonly situation: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    const { situation, advice } = classify(reason);
    super('ERR_KEYRING_UNAVAILABLE', `The OS keyring is not reachable. ${advice} (${reason.replace(/\s+/g, ' ').trim().slice(0, 160)})`, options);
    this.situation = situation;
  }
}

export function keyringUnreachable(reason: string): string {
  return new KeyringUnreachableError(reason).message;
}

function classify(reason: string): { situation: string; advice: string } {
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|dbus/i.test(reason)) {
    return {
      situation: 'no desktop session bus here, as over SSH, in WSL or in CI',
      advice:
        'No desktop session bus is reachable, as over SSH, in WSL or in CI. Run inside a session with an unlocked ' +
        'Secret Service (for example gnome-keyring-daemon under `dbus-run-session`), or keep using the passphrase.',
    };
  }
  if (/locked|prompt|dismissed|cancel/i.test(reason)) {
    return { situation: 'the keyring is locked', advice: 'The keyring is locked or the unlock prompt was dismissed: unlock it and try again, or keep using the passphrase.' };
  }
  if (/org\.freedesktop\.secrets|ServiceUnknown|not provided by any \.service/i.test(reason)) {
    return { situation: 'no Secret Service is running', advice: 'No Secret Service is running on the session bus: start GNOME Keyring or KWallet, or keep using the passphrase.' };
  }
  return { situation: 'it did not answer', advice: 'Unlock your desktop keyring (GNOME Keyring, KWallet, macOS Keychain) and try again, or keep using the passphrase.' };
}
