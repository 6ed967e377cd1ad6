/**
 * How a CLI command reaches the vault: through the running owner's control socket when there is one,
 * otherwise in-process under the owner lock (so two CLI writers queue instead of losing updates).
 */
import type { ControlApi } from '../../shared/contract.ts';
import type { AppEvent } from '../../shared/model.ts';
import { ensureDataDir, resolveDataDir } from '../core/data-dir.ts';
import { TokenwardenError } from '../core/errors.ts';
import { acquireOwnerLock, readOwnerLock } from '../core/vault/owner-lock.ts';
import { promptHidden, type CliIo } from './io.ts';

export interface Session {
  api: ControlApi;
  /** `daemon` when an owner process serves us; `local` when the vault is opened in this process. */
  mode: 'daemon' | 'local';
  home: string;
  onEvent(listener: (event: AppEvent) => void): Promise<() => void>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Unlock a local vault, prompting for the passphrase on a TTY when env/keyring can't (default true). */
  unlock?: boolean;
  /** S-rollback: open a vault older than the recorded generation. */
  acceptRollback?: boolean;
}

const CLI_LOCK_WAIT_MS = 20_000;

export async function openSession(io: CliIo, options: SessionOptions = {}): Promise<Session> {
  const home = resolveDataDir(io.env);
  const owner = readOwnerLock(home);
  if (owner && owner.role !== 'cli' && owner.socketPath) {
    // Each path imports only what it uses: a CLI start is dominated by module loading.
    const { connectControl, createControlApi } = await import('../core/control/index.ts');
    const client = await connectControl(owner.socketPath);
    return {
      api: createControlApi(client),
      mode: 'daemon',
      home,
      onEvent: (listener) => client.onEvent(listener),
      close: async () => client.close(),
    };
  }
  await ensureDataDir(home);
  const lock = await acquireOwnerLock(home, { role: 'cli', waitMs: CLI_LOCK_WAIT_MS });
  try {
    const { createService } = await import('../core/create-service.ts');
    const service = await createService({
      home, env: io.env, proxy: false, autoUnlock: false, ownerPid: process.pid, acceptRollback: options.acceptRollback,
      // R2: a fall-back to .bak is said on stderr by the command that did it, not only in `status`.
      onVaultRecovery: (recovery) => io.err(`tokenwarden: warning: ${recovery.message}\n`),
    });
    if (options.unlock !== false) await unlockLocal(service, io);
    return {
      api: service,
      mode: 'local',
      home,
      onEvent: async (listener) => service.onEvent(listener),
      close: async () => {
        await service.close();
        lock.release();
      },
    };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function unlockLocal(service: ControlApi, io: CliIo): Promise<void> {
  try {
    await service.unlock();
  } catch (err) {
    // Only a missing secret is worth a prompt; a wrong TOKENWARDEN_PASSPHRASE must fail loudly.
    if (!(err instanceof TokenwardenError) || err.code !== 'ERR_LOCKED' || !io.stdin.isTTY) throw err;
    await service.unlock(await promptHidden('Vault passphrase: ', io));
  }
}

/** Commands that need the proxy (exec, proxy-env, ca) need a running owner. */
export function requireDaemon(session: Session, what: string): void {
  if (session.mode !== 'daemon') {
    throw new TokenwardenError('ERR_DAEMON_UNREACHABLE', `${what} needs a running owner: start \`tokenwarden daemon\` (or the desktop app) first.`);
  }
}
