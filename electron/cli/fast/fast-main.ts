/**
 * Entry of dist/cli/fast.cjs: `tkw token NAME`, `tkw list` and `tkw status` against a running owner without
 * commander or the zod contract, which cost most of a start (docs/PERFORMANCE.md). bin/tokenwarden.js calls
 * runFast first for those words; undefined means "not mine", and it then runs the full CLI, which also handles
 * every unusual case (no owner, an owner starting, a CLI holding the lock, an unreadable data dir).
 */
import { ensureDataDir, resolveDataDir } from '../../core/base/data-dir.ts';
import { readOwnerLock } from '../../core/vault/owner-lock.ts';
import { formatFailure } from '../fail.ts';
import { parseFastArgv, type FastCommand } from './fast-argv.ts';
import { connectFast, type FastCall } from './fast-client.ts';
import { fastProcessIo, type FastIo } from './fast-io.ts';

export { FAST_COMMAND_WORDS } from './fast-argv.ts';

/** The exit code when the fast path answered; undefined when the full CLI must run instead. */
export async function runFast(argv: readonly string[], io: FastIo = fastProcessIo()): Promise<number | undefined> {
  const command = parseFastArgv(argv);
  // TOKENWARDEN_DEBUG wants the full CLI's stack traces; TOKENWARDEN_CLI_FAST=0 is how both paths are compared.
  if (!command || io.env.TOKENWARDEN_CLI_FAST === '0' || io.env.TOKENWARDEN_DEBUG) return undefined;
  const home = resolveDataDir(io.env);
  let socketPath: string;
  try {
    ensureDataDir(home);
    const owner = readOwnerLock(home);
    // No owner, or a CLI command holding the vault for a moment: the full CLI opens it or waits its turn.
    if (!owner || owner.role === 'cli' || !owner.socketPath) return undefined;
    socketPath = owner.socketPath;
  } catch {
    return undefined;
  }
  const connection = await connectFast(socketPath);
  if (!connection) return undefined;
  try {
    await run(command, connection, io, home);
    return 0;
  } catch (err) {
    const failure = formatFailure(err);
    io.err(`${failure.line}\n`);
    return failure.exitCode;
  } finally {
    connection.close();
  }
}

/** list and status are imported when asked for: their formatters are most of what `token` would otherwise load. */
async function run(command: FastCommand, owner: FastCall, io: FastIo, home: string): Promise<void> {
  switch (command.name) {
    case 'token':
      io.out(`${await owner.call('token', [command.credential])}\n`);
      return;
    case 'list':
      return (await import('./fast-list.ts')).runList(owner, io, command.json);
    case 'status':
      return (await import('./fast-status.ts')).runStatus(owner, io, command.json, home);
  }
}
