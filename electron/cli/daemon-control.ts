/** `tkw daemon stop|status`: find the running owner through its lock file, and check it really is ours. */
import { join } from 'node:path';
import { connectControl } from '../core/control/index.ts';
import { resolveDataDir } from '../core/base/data-dir.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { pidIsAlive, readOwnerLock, type OwnerInfo } from '../core/vault/owner-lock.ts';
import { DAEMON_LOG_NAME } from './daemon.ts';
import type { CliIo } from './io.ts';

const STOP_WAIT_MS = 15_000;

/**
 * The pid in the lock file is signalled only after its control socket answered a ping with that same pid:
 * a stale lock whose pid was reused by an unrelated process must never get our SIGTERM.
 */
async function verifiedDaemon(home: string): Promise<OwnerInfo | undefined> {
  const owner = readOwnerLock(home);
  if (!owner || owner.role === 'cli' || !owner.socketPath) return undefined;
  const client = await connectControl(owner.socketPath, { timeoutMs: 2000 }).catch(() => undefined);
  if (!client) return undefined;
  client.close();
  return client.peer.pid === owner.pid ? owner : undefined;
}

/** Resolves true when a daemon was stopped, false when none was running. */
export async function stopDaemon(io: CliIo): Promise<boolean> {
  const home = resolveDataDir(io.env);
  const owner = await verifiedDaemon(home);
  if (!owner) {
    io.out(`No Tokenwarden daemon is running for ${home}.\n`);
    return false;
  }
  if (owner.role === 'app') {
    throw new TokenwardenError('ERR_BUSY', `The desktop app owns ${home} (pid ${owner.pid}); quit it from its window or tray.`);
  }
  process.kill(owner.pid, 'SIGTERM');
  // Another process's exit has no event we can wait on from here: poll, bounded.
  const deadline = Date.now() + STOP_WAIT_MS;
  while (pidIsAlive(owner.pid)) {
    if (Date.now() > deadline) throw new TokenwardenError('ERR_TIMEOUT', `The daemon (pid ${owner.pid}) did not stop within ${STOP_WAIT_MS / 1000} s.`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  io.out(`Stopped the Tokenwarden daemon (pid ${owner.pid}).\n`);
  return true;
}

export async function printDaemonStatus(io: CliIo): Promise<void> {
  const home = resolveDataDir(io.env);
  const owner = await verifiedDaemon(home);
  if (!owner) throw new TokenwardenError('ERR_NO_OWNER', `No Tokenwarden daemon or app is running for ${home}. Start one with \`tkw daemon\`.`);
  const client = await connectControl(owner.socketPath!);
  try {
    const status = (await client.call('status')) as { locked: boolean; proxy: { url: string } | null };
    io.out(
      [
        `running     ${owner.role === 'app' ? 'desktop app' : 'daemon'}, pid ${owner.pid}, since ${owner.startedAt}`,
        `vault       ${status.locked ? 'locked (run `tkw unlock`)' : 'unlocked'}`,
        `proxy       ${status.proxy?.url ?? 'not running'}`,
        `socket      ${owner.socketPath}`,
        ...(owner.role === 'daemon' ? [`log         ${join(home, DAEMON_LOG_NAME)} (when started without --foreground)`] : []),
      ].join('\n') + '\n',
    );
  } finally {
    client.close();
  }
}
