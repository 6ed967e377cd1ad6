/** KeyringPort over @napi-rs/keyring; on Linux pinned to the Secret Service, because the kernel keyring fallback forgets keys at logout. */
import { AsyncEntry } from '@napi-rs/keyring';
import { KEYRING_SERVICE, type KeyringPort } from './os-keyring-keyslot.ts';

export function napiKeyring(service: string = KEYRING_SERVICE): KeyringPort {
  const entry = (account: string) => new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  return {
    getPassword: (account) => entry(account).getPassword(),
    setPassword: (account, value) => entry(account).setPassword(value),
    deletePassword: (account) => entry(account).deletePassword(),
  };
}
