/**
 * How `tkw mcp` reaches the vault and the proxy: the running owner (daemon or app) over its control socket,
 * or, when none runs, by becoming the owner itself for its lifetime (proxy on a free port, control socket
 * served so `tkw key list` and `tkw unlock` keep working meanwhile).
 */
import type { ControlApi } from '../../shared/contract.ts';
import { connectControl, createControlApi } from '../core/control/index.ts';
import { resolveDataDir } from '../core/base/data-dir.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { startOwner } from '../core/owner.ts';
import { readOwnerLock } from '../core/vault/owner-lock.ts';

export interface OwnerLink {
  api: ControlApi;
  /** `daemon`: another process owns the vault; `own`: this process does, until close(). */
  mode: 'daemon' | 'own';
  /** Settles if the owner goes away under us (daemon mode only). */
  lost: Promise<void>;
  close(): Promise<void>;
}

const ATTEMPTS = 5;

export async function linkOwner(env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<OwnerLink> {
  const home = resolveDataDir(env);
  for (let attempt = 1; ; attempt++) {
    const holder = readOwnerLock(home);
    if (holder && holder.role !== 'cli' && holder.socketPath) {
      const client = await connectControl(holder.socketPath);
      log(`using the running owner (pid ${holder.pid}, ${holder.role})`);
      return { api: createControlApi(client), mode: 'daemon', lost: client.closed, close: async () => client.close() };
    }
    try {
      const owner = await startOwner({ role: 'mcp', home, env, proxy: { port: 0 }, log });
      log(`no owner was running: this process owns ${home} until it exits`);
      return { api: owner.service, mode: 'own', lost: new Promise(() => undefined), close: () => owner.close() };
    } catch (err) {
      // A CLI command holds the lock for a moment, or an owner started between our read and our start.
      if (!(err instanceof TokenwardenError) || err.code !== 'ERR_BUSY' || attempt >= ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 150 * attempt));
    }
  }
}
