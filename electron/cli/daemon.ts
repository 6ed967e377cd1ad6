/** The headless owner: holds the owner lock, the vault, the proxy and the control socket until SIGINT/SIGTERM. */
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectControl, controlSocketPath } from '../core/control/index.ts';
import { ensureDataDir, resolveDataDir } from '../core/data-dir.ts';
import { TokenwardenError } from '../core/errors.ts';
import { startOwner } from '../core/owner.ts';
import type { CliIo } from './io.ts';

export interface DaemonOptions {
  port: number;
  strict: boolean;
  /** S-rollback: open a vault older than the recorded generation. */
  acceptRollback?: boolean;
}

/** Runs until a signal arrives; resolves once everything is closed and the vault flushed. */
export async function runDaemon(io: CliIo, options: DaemonOptions): Promise<void> {
  const log = (line: string) => io.out(`${new Date().toISOString()} tokenwarden daemon: ${line}\n`);
  const home = resolveDataDir(io.env);
  log(`starting pid=${process.pid} home=${home}`);
  const owner = await startOwner({
    role: 'daemon', home, env: io.env, proxy: { port: options.port, strict: options.strict }, log,
    acceptRollback: options.acceptRollback,
    onVaultRecovery: (recovery) => log(`warning: ${recovery.message}`),
  });
  try {
    const status = await owner.service.status();
    log(status.locked ? 'vault locked (set TOKENWARDEN_PASSPHRASE or run `tokenwarden unlock`)' : `vault unlocked (${status.credentialCount} credentials)`);
    owner.service.onEvent((event) => {
      if (event.type === 'alert') log(`alert ${event.code}${event.name ? ` ${event.name}` : ''}: ${event.message}`);
      if (event.type === 'locked') log(event.locked ? 'vault locked' : 'vault unlocked');
    });
    log(`ready proxy=${status.proxy?.url ?? 'none'} socket=${owner.socketPath}`);
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        log(`received ${signal}, stopping`);
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  } finally {
    await owner.close();
    log('stopped');
  }
}

/** `tokenwarden daemon` without --foreground: start a detached owner, wait until it answers, then return. */
export async function startDetachedDaemon(io: CliIo, options: DaemonOptions): Promise<void> {
  const home = resolveDataDir(io.env);
  await ensureDataDir(home);
  const logPath = join(home, 'daemon.log');
  const out = openSync(logPath, 'a', 0o600);
  const bin = fileURLToPath(new URL('../../bin/tokenwarden.js', import.meta.url));
  const args = [bin, 'daemon', '--foreground', '--port', String(options.port), ...(options.strict ? ['--strict'] : []), ...(options.acceptRollback ? ['--accept-rollback'] : [])];
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', out, out], env: io.env });
  let exited: number | null = null;
  child.on('exit', (code) => (exited = code ?? 1));
  const socketPath = controlSocketPath(home);
  // Waiting for another process to come up is inherently a poll; bounded to 10 s.
  for (let attempt = 0; attempt < 100; attempt++) {
    if (exited !== null) throw new TokenwardenError('ERR_INTERNAL', `The daemon exited early (code ${exited}); see ${logPath}.`);
    try {
      const client = await connectControl(socketPath, { timeoutMs: 500 });
      client.close();
      child.unref();
      io.out(`tokenwarden daemon started (pid ${child.pid}); log: ${logPath}\n`);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new TokenwardenError('ERR_TIMEOUT', `The daemon did not become ready; see ${logPath}.`);
}
