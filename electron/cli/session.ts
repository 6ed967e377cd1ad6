/**
 * How a CLI command reaches the vault: through the running owner's control socket when there is one,
 * otherwise in-process under the owner lock (so two CLI writers queue instead of losing updates).
 */
import type { ControlApi } from '../../shared/contract.ts';
import type { AppEvent, CredentialSummary } from '../../shared/model.ts';
import { ensureDataDir, resolveDataDir } from '../core/base/data-dir.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { acquireOwnerLock, readOwnerLock, type OwnerInfo, type OwnerLock } from '../core/vault/owner-lock.ts';
import type { CliIo } from './io.ts';
import { unlockLocal } from './unlock-local.ts';

export interface Session {
  api: ControlApi;
  /** `daemon` when an owner process serves us; `local` when the vault is opened in this process. */
  mode: 'daemon' | 'local';
  home: string;
  onEvent(listener: (event: AppEvent) => void): Promise<() => void>;
  /** `login` that stops when `signal` aborts: in-process directly, against an owner by closing the connection. */
  login(name: string, signal: AbortSignal): Promise<CredentialSummary>;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** Unlock a local vault, prompting for the passphrase on a TTY when env/keyring can't (default true). */
  unlock?: boolean;
  /** S-rollback: open a vault older than the recorded generation. */
  acceptRollback?: boolean;
}

/**
 * How long a CLI command waits for other CLI commands (or a starting owner) before ERR_BUSY. Each holds the
 * lock for one command, so a queue of them always moves; the bound only catches a holder that hangs.
 */
const CLI_LOCK_WAIT_MS = 60_000;
/** An owner that has just taken the lock needs a moment before its control socket answers. */
const OWNER_STARTING_MS = 5000;

export async function openSession(io: CliIo, options: SessionOptions = {}): Promise<Session> {
  const home = resolveDataDir(io.env);
  await ensureDataDir(home);
  const deadline = Date.now() + CLI_LOCK_WAIT_MS;
  // The holder can change while we wait (a CLI command ends, a daemon starts), so decide again each round.
  for (;;) {
    const owner = readOwnerLock(home);
    if (owner && owner.role !== 'cli' && owner.socketPath) {
      const session = await connectOwner(home, owner);
      if (session) return session;
      continue;
    }
    const lock = await acquireOwnerLock(home, { role: 'cli', waitMs: Math.min(250, Math.max(0, deadline - Date.now())) }).catch((err: unknown) => {
      if (err instanceof TokenwardenError && err.code === 'ERR_BUSY' && Date.now() < deadline) return undefined;
      throw err;
    });
    if (lock) return openLocal(home, io, lock, options);
  }
}

/** Undefined when the owner went away meanwhile (the caller looks again); throws when it stays unreachable. */
async function connectOwner(home: string, owner: OwnerInfo): Promise<Session | undefined> {
  // Each path imports only what it uses: a CLI start is dominated by module loading.
  const { connectControl, createControlApi } = await import('../core/control/index.ts');
  const started = Date.now();
  for (;;) {
    try {
      const client = await connectControl(owner.socketPath!);
      const api = createControlApi(client);
      return {
        api,
        mode: 'daemon',
        home,
        onEvent: (listener) => client.onEvent(listener),
        login: (name, signal) => {
          const onAbort = () => client.close();
          signal.addEventListener('abort', onAbort, { once: true });
          return api.login(name).finally(() => signal.removeEventListener('abort', onAbort));
        },
        close: async () => client.close(),
      };
    } catch (err) {
      const current = readOwnerLock(home);
      if (current?.pid !== owner.pid) return undefined;
      const unreachable = err instanceof TokenwardenError && err.code === 'ERR_DAEMON_UNREACHABLE';
      if (!unreachable || Date.now() - started > OWNER_STARTING_MS) throw err;
      // Polling is the only way to see another process's socket appear; bounded by OWNER_STARTING_MS.
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function openLocal(home: string, io: CliIo, lock: OwnerLock, options: SessionOptions): Promise<Session> {
  try {
    const { createService } = await import('../core/create-service.ts');
    const service = await createService({
      // No ownerPid: a CLI command holds the lock for one command and is not the vault's owner (status says "none").
      home, env: io.env, proxy: false, autoUnlock: false, acceptRollback: options.acceptRollback,
      // R2: a fall-back to .bak is said on stderr by the command that did it, not only in `status`.
      onVaultRecovery: (recovery) => io.err(`tokenwarden: warning: ${recovery.message}\n`),
    });
    if (options.unlock !== false) await unlockLocal(service, io);
    return {
      api: service,
      mode: 'local',
      home,
      onEvent: async (listener) => service.onEvent(listener),
      login: (name, signal) => service.login(name, { signal }),
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

/**
 * `lock` and `unlock` only mean something while an owner holds the vault open; without one, every command
 * opens and closes the vault by itself, so there is nothing to lock or keep unlocked.
 */
export function requireOwner(io: CliIo, what: 'lock' | 'unlock'): void {
  const owner = readOwnerLock(resolveDataDir(io.env));
  if (owner && owner.role !== 'cli') return;
  throw new TokenwardenError(
    'ERR_NO_OWNER',
    what === 'lock'
      ? 'No Tokenwarden daemon or app is running, so nothing holds the vault open: there is nothing to lock.'
      : 'No Tokenwarden daemon or app is running, so there is nothing to keep unlocked: each command unlocks the vault for itself. Start an owner with `tkw daemon`.',
  );
}

/** Commands that need the proxy (exec, proxy-env, ca) need a running owner. */
export function requireDaemon(session: Session, what: string): void {
  if (session.mode !== 'daemon') {
    throw new TokenwardenError('ERR_DAEMON_UNREACHABLE', `${what} needs a running owner: start \`tokenwarden daemon\` (or the desktop app) first.`);
  }
}
