/** Unlocking the vault inside a CLI process when no owner runs: environment, keyring, else a terminal prompt. */
import type { ControlApi } from '../../shared/contract.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import type { CliIo } from './io.ts';
import { isNewVault, promptNewPassphrase, promptPassphrase } from './passphrase-prompt.ts';

export async function unlockLocal(service: ControlApi, io: CliIo): Promise<void> {
  try {
    await service.unlock();
    return;
  } catch (err) {
    // Only a missing secret is worth a prompt; a wrong TOKENWARDEN_PASSPHRASE must fail loudly.
    if (!(err instanceof TokenwardenError) || err.code !== 'ERR_LOCKED') throw err;
  }
  const fresh = isNewVault(await service.status());
  if (!io.stdin.isTTY) throw lockedWithoutTerminal(fresh);
  await service.unlock(fresh ? await promptNewPassphrase(io) : await promptPassphrase(io));
}

/** One next step, and never "run the command you just ran". */
export function lockedWithoutTerminal(fresh: boolean): TokenwardenError {
  return new TokenwardenError(
    'ERR_LOCKED',
    fresh
      ? 'There is no vault yet and nothing to protect one: no OS keyring and no passphrase. Run this command on a terminal to choose a passphrase, or set TOKENWARDEN_PASSPHRASE.'
      : 'The vault is locked and no OS keyring or TOKENWARDEN_PASSPHRASE opens it. Set TOKENWARDEN_PASSPHRASE, or run this command on a terminal to type it.',
  );
}
