/**
 * The owner of a data directory (the daemon or the desktop app): takes the owner lock, runs the
 * service with its proxy, and serves the control socket, so the CLI never becomes a second writer.
 */
import { startupOnly } from './config.ts';
import { controlSocketPath, startControlServer } from './control/index.ts';
import { composeService, type CreateServiceOptions, type ServiceGraph } from './create-service.ts';
import { ensureDataDir } from './base/data-dir.ts';
import type { Dispatcher } from './dispatch.ts';
import type { OwnerApi } from './owner-api.ts';
import { acquireOwnerLock } from './vault/owner-lock.ts';

const CLI_HOLDER_WAIT_MS = 5000;

export interface Owner {
  /** The contract in-process (validated and audited like every face's calls), with the event stream. */
  service: OwnerApi;
  /** For main's IPC handler: the window's calls go through the same dispatcher as the socket's. */
  dispatcher: Dispatcher;
  socketPath: string;
  /** Closes the socket, flushes and closes the service, then releases the lock. */
  close(): Promise<void>;
}

export interface OwnerOptions extends CreateServiceOptions {
  role: 'daemon' | 'app' | 'mcp';
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
  let graph: ServiceGraph | undefined;
  try {
    graph = await composeService({ ...options, ownerPid: process.pid, envPassphrase: startupOnly });
    const { api, dispatcher } = graph;
    const server = await startControlServer({
      path: socketPath,
      log: options.log,
      handler: {
        // The connection is the caller: its close cancels a login and ends a `whileConnected` key.
        call: (method, params, context) => dispatcher.call(method, params, { methods: 'control', caller: context.caller, signal: context.signal, connection: context.signal }),
        subscribe: (listener) => api.onEvent(listener),
      },
    });
    return {
      service: api,
      dispatcher,
      socketPath,
      async close() {
        await server.close().catch(() => undefined);
        await api.close().catch(() => undefined);
        lock.release();
      },
    };
  } catch (err) {
    await graph?.api.close().catch(() => undefined);
    lock.release();
    throw err;
  }
}
