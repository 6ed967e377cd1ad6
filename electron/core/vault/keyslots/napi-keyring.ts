/** KeyringPort over @napi-rs/keyring; on Linux pinned to the Secret Service, because the kernel keyring fallback forgets keys at logout. */
import type * as KeyringModule from '@napi-rs/keyring';
import { KEYRING_SERVICE, type KeyringPort } from './os-keyring-keyslot.ts';

let loading: Promise<typeof KeyringModule> | undefined;

export function napiKeyring(service: string = KEYRING_SERVICE): KeyringPort {
  // The native addon is an optional dependency of the installed CLI: loaded on first use, and when it is
  // missing every call fails like an unreachable keyring (ERR_KEYRING_UNAVAILABLE), so the passphrase works.
  const entry = async (account: string) => new (await (loading ??= import('@napi-rs/keyring'))).AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  return {
    getPassword: async (account) => (await entry(account)).getPassword(),
    setPassword: async (account, value) => (await entry(account)).setPassword(value),
    deletePassword: async (account) => (await entry(account)).deletePassword(),
  };
}
