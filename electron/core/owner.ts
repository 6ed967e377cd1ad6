/**
 * The owner of a data directory (the daemon or the desktop app): takes the owner lock, runs the
 * service with its proxy, and serves the control socket, so the CLI never becomes a second writer.
 */
import type { ControlMethod } from '../../shared/contract.ts';
import type { AccessKeyInput } from '../../shared/policy.ts';
import { controlSocketPath, startControlServer } from './control/index.ts';
import { startupOnly } from './config.ts';
import { createService, type CreateServiceOptions } from './create-service.ts';
import { ensureDataDir } from './data-dir.ts';
import { isRevealMethod, type RevealGate } from './reveal/reveal-gate.ts';
import type { TokenwardenService } from './service.ts';
import { acquireOwnerLock } from './vault/owner-lock.ts';

const CLI_HOLDER_WAIT_MS = 5000;

export interface Owner {
  service: TokenwardenService;
  socketPath: string;
  /** Closes the socket, flushes and closes the service, then releases the lock. */
  close(): Promise<void>;
}

export interface OwnerOptions extends CreateServiceOptions {
  role: 'daemon' | 'app' | 'mcp';
  /** "Ask before revealing a token" (desktop only): `token`/`copyToken` over the socket wait for it. */
  revealGate?: RevealGate;
}

export async function startOwner(options: OwnerOptions): Promise<Owner> {
  await ensureDataDir(options.home);
  const socketPath = controlSocketPath(options.home);
  // A short CLI command may hold the lock for a moment: wait up to 5 s for it. Another owner is ERR_BUSY at once.
  const lock = await acquireOwnerLock(options.home, {
    role: options.role,
    socketPath,
    waitMs: CLI_HOLDER_WAIT_MS,
    waitFor: (holder) => holder.role === 'cli',
    onWait: (holder) => options.log?.(`waiting up to ${CLI_HOLDER_WAIT_MS / 1000} s for a tkw command (pid ${holder.pid}) to release the owner lock`),
  });
  let service: TokenwardenService | undefined;
  try {
    service = await createService({ ...options, ownerPid: process.pid, envPassphrase: startupOnly });
    const owner = service;
    const server = await startControlServer({
      path: socketPath,
      log: options.log,
      handler: {
        // Arguments were validated against ARG_SCHEMAS by the control server before this call.
        call: async (method: ControlMethod, params: unknown[], context) => {
          if (options.revealGate && isRevealMethod(method)) {
            await options.revealGate.check({ method, name: params[0] as string, caller: await context.caller() });
          }
          // A login ends with its caller: Ctrl-C in the CLI closes the connection, which cancels it.
          if (method === 'login') return owner.login(params[0] as string, { signal: context.signal });
          // A `whileConnected` key (tkw exec) is revoked when this connection closes, even if the CLI is killed.
          if (method === 'createAccessKey') return owner.createAccessKey(params[0] as AccessKeyInput, { connection: context.signal });
          return (owner[method] as (...args: unknown[]) => Promise<unknown>).apply(owner, params);
        },
        subscribe: (listener) => owner.onEvent(listener),
      },
    });
    return {
      service: owner,
      socketPath,
      async close() {
        await server.close().catch(() => undefined);
        await owner.close().catch(() => undefined);
        lock.release();
      },
    };
  } catch (err) {
    await service?.close().catch(() => undefined);
    lock.release();
    throw err;
  }
}
