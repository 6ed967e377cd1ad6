/** `tkw status [--json]` with a running owner, as electron/cli/commands/read.ts prints it (its daemon mode). */
import type { VaultStatus } from '../../../shared/model.ts';
import { TokenwardenError } from '../../core/base/errors.ts';
import { caFileInfo } from '../../core/proxy/ca-file.ts';
import { readOwnerLock } from '../../core/vault/owner-lock.ts';
import { formatStatus } from '../format.ts';
import type { FastCall } from './fast-client.ts';
import { printJson, type FastIo } from './fast-io.ts';

export async function runStatus(owner: FastCall, io: FastIo, json: boolean, home: string): Promise<void> {
  const status = (await owner.call('status', []).catch((err: unknown) => {
    // As read.ts words a busy data directory: with the pid of whoever holds it.
    if (err instanceof TokenwardenError && err.code === 'ERR_BUSY') {
      const holder = readOwnerLock(home);
      throw new TokenwardenError('ERR_BUSY', `${err.message}${holder ? ` (owner pid ${holder.pid})` : ''}`);
    }
    throw err;
  })) as VaultStatus;
  const ca = caFileInfo(status.dataDir);
  if (json) printJson(io, { ...status, caFingerprint: ca.fingerprint });
  else io.out(`${formatStatus(status, ca)}\n`);
}
