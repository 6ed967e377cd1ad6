/** The headless owner: holds the owner lock, the vault, the proxy and the control socket until SIGINT/SIGTERM. */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectControl, controlSocketPath } from '../core/control/index.ts';
import { ensureDataDir, resolveDataDir } from '../core/base/data-dir.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { startOwner } from '../core/owner.ts';
import type { OwnerApi } from '../core/owner-api.ts';
import { readOwnerLock } from '../core/vault/owner-lock.ts';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from './daemon-node-flags.ts';
import type { CliIo } from './io.ts';
import { isNewVault, promptNewPassphrase, promptPassphrase } from './passphrase-prompt.ts';

export interface DaemonOptions {
  port: number;
  strict: boolean;
  /** S-rollback: open a vault older than the recorded generation. */
  acceptRollback?: boolean;
}

export const DAEMON_LOG_NAME = 'daemon.log';

/** Starting twice is a no-op: true (after saying so) when an owner already serves this data directory. */
export function reportRunning(io: CliIo): boolean {
  const home = resolveDataDir(io.env);
  const owner = readOwnerLock(home);
  if (!owner || owner.role === 'cli') return false;
  const what = owner.role === 'app' ? 'The Tokenwarden app' : 'The Tokenwarden daemon';
  io.out(`${what} is already running (pid ${owner.pid}) for ${home}; nothing to start.\n`);
  return true;
}

/** Runs until a signal arrives; resolves once everything is closed and the vault flushed. */
export async function runDaemon(io: CliIo, options: DaemonOptions): Promise<void> {
  if (reportRunning(io)) return;
  const log = (line: string) => io.out(`${new Date().toISOString()} tokenwarden daemon: ${line}\n`);
  const home = resolveDataDir(io.env);
  // Installed first, so a Ctrl-C during start-up or at the passphrase prompt still stops the daemon cleanly.
  let requested: string | undefined;
  let wake: (() => void) | undefined;
  const onSignal = (signal: string) => {
    if (requested) return; // a second Ctrl-C (the terminal's and npm's) must not cut the shutdown short
    requested = signal;
    wake?.();
  };
  const onInt = () => onSignal('SIGINT');
  const onTerm = () => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    log(`starting pid=${process.pid} home=${home}`);
    const owner = await startOwner({
      role: 'daemon',
      home,
      env: io.env,
      proxy: { port: options.port, strict: options.strict },
      log,
      acceptRollback: options.acceptRollback,
      onVaultRecovery: (recovery) => log(`warning: ${recovery.message}`),
    });
    try {
      owner.service.onEvent((event) => {
        if (event.type === 'alert') log(`alert ${event.code}${event.name ? ` ${event.name}` : ''}: ${event.message}`);
        if (event.type === 'locked') log(event.locked ? 'vault locked' : 'vault unlocked');
      });
      const status = await owner.service.status();
      if (status.locked) await unlockAtStart(owner.service, io, log, isNewVault(status));
      else log(`vault unlocked (${status.credentialCount} credentials)`);
      log(`ready proxy=${status.proxy?.url ?? 'none'} socket=${owner.socketPath}`);
      if (!requested) await new Promise<void>((resolve) => (wake = resolve));
      log(`received ${requested}, stopping`);
    } finally {
      await owner.close();
      log('stopped');
    }
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}

/**
 * A locked start: on a terminal, ask (a new vault asks twice and is created); otherwise say the one next step.
 * The prompt runs while the owner already serves, so `tkw unlock` from another terminal works as well.
 */
async function unlockAtStart(service: OwnerApi, io: CliIo, log: (line: string) => void, fresh: boolean): Promise<void> {
  if (!io.stdin.isTTY) {
    log(
      fresh
        ? 'no vault yet, and no OS keyring or TOKENWARDEN_PASSPHRASE to protect one. Next step: run `tkw unlock` to choose a passphrase.'
        : 'vault locked: no OS keyring or TOKENWARDEN_PASSPHRASE opens it. Next step: run `tkw unlock`.',
    );
    return;
  }
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      await service.unlock(fresh ? await promptNewPassphrase(io) : await promptPassphrase(io));
      return;
    } catch (err) {
      if (!(err instanceof TokenwardenError) || err.code !== 'ERR_BAD_PASSPHRASE' || attempt === 3) {
        log(`vault stays locked: ${(err as Error).message} Next step: run \`tkw unlock\`.`);
        return;
      }
      io.err('That passphrase does not open the vault; try again.\n');
    }
  }
}

/** `tokenwarden daemon` without --foreground: start a detached owner, wait until it answers, then return. */
export async function startDetachedDaemon(io: CliIo, options: DaemonOptions): Promise<void> {
  if (reportRunning(io)) return;
  const home = resolveDataDir(io.env);
  await ensureDataDir(home);
  const logPath = join(home, DAEMON_LOG_NAME);
  const out = openSync(logPath, 'a', 0o600);
  const bin = fileURLToPath(new URL('../../bin/tokenwarden.js', import.meta.url));
  const args = [bin, 'daemon', '--foreground', '--port', String(options.port), ...(options.strict ? ['--strict'] : []), ...(options.acceptRollback ? ['--accept-rollback'] : [])];
  const child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, ...args], { detached: true, stdio: ['ignore', out, out], env: { ...DAEMON_ENV, ...io.env } });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  const socketPath = controlSocketPath(home);
  // Waiting for another process to come up is inherently a poll; bounded to 15 s (it may wait 5 s for a CLI holder).
  for (let attempt = 0; attempt < 150; attempt++) {
    if (exited !== null) throw new TokenwardenError('ERR_INTERNAL', `The daemon exited early (code ${exited}); see ${logPath}.`);
    try {
      const client = await connectControl(socketPath, { timeoutMs: 500 });
      const status = (await client.call('status')) as { locked: boolean };
      client.close();
      child.unref();
      io.out(`tokenwarden daemon started (pid ${child.pid}); log: ${logPath}\n`);
      if (status.locked) io.out('The vault is locked. Next step: run `tkw unlock`.\n');
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new TokenwardenError('ERR_TIMEOUT', `The daemon did not become ready; see ${logPath}.`);
}
