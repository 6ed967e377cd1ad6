/** Asking for the vault passphrase on a terminal: once to open a vault, twice to create one. */
import { TokenwardenError } from '../core/base/errors.ts';
import { promptHidden, type CliIo } from './io.ts';

const MIN_LENGTH = 8;

/** A new passphrase, typed twice; a typo here would lock the user out of a vault nobody else can open. */
export async function promptNewPassphrase(io: CliIo): Promise<string> {
  io.err('Creating a new vault. Choose a passphrase: it is the only way to open the vault where no OS keyring is available.\n');
  for (let attempt = 1; ; attempt++) {
    const first = await promptHidden('New vault passphrase: ', io);
    if (first.length < MIN_LENGTH) {
      io.err(`The passphrase needs at least ${MIN_LENGTH} characters.\n`);
    } else if ((await promptHidden('Repeat the passphrase: ', io)) === first) {
      return first;
    } else {
      io.err('The two passphrases differ.\n');
    }
    if (attempt === 3) throw new TokenwardenError('ERR_CANCELLED', 'No vault was created: no matching passphrase after 3 tries.');
  }
}

export async function promptPassphrase(io: CliIo): Promise<string> {
  const secret = await promptHidden('Vault passphrase: ', io);
  if (!secret) throw new TokenwardenError('ERR_USAGE', 'The passphrase is empty.');
  return secret;
}

/** True when there is no vault file yet, i.e. the next unlock creates it. */
export function isNewVault(status: { keyslots: readonly string[] }): boolean {
  return status.keyslots.length === 0;
}
