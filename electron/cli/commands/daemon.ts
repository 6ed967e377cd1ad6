/** `tokenwarden daemon`: the headless owner for SSH, WSL and CI. */
import { Option, type Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { usageError } from '../fail.ts';
import { resolveDataDir } from '../../core/data-dir.ts';
import { TokenwardenError } from '../../core/errors.ts';
import { readOwnerLock } from '../../core/vault/owner-lock.ts';

export function registerDaemon(program: Command, ctx: CommandContext): void {
  program
    .command('daemon')
    .summary('run the owner headless: vault, proxy and control socket')
    .addOption(new Option('--port <port>', 'proxy port on 127.0.0.1 (0 picks a free one)').default('8787').env('TOKENWARDEN_PORT'))
    .option('--strict', 'refuse CONNECT to unbound hosts instead of tunnelling them')
    .option('--foreground', 'stay attached to the terminal and log to stdout')
    .action(async (opts: { port: string; strict?: boolean; foreground?: boolean }) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port takes a number from 0 to 65535.');
      const options = { port, strict: Boolean(opts.strict), acceptRollback: ctx.acceptRollback === true };
      // Loaded on demand: the owner pulls in the whole core, which no other command's start should pay for.
      const { runDaemon, startDetachedDaemon } = await import('../daemon.ts');
      if (opts.foreground) return runDaemon(ctx.io, options);
      const owner = readOwnerLock(resolveDataDir(ctx.io.env));
      if (owner) throw new TokenwardenError('ERR_BUSY', `Tokenwarden is already running (pid ${owner.pid}, ${owner.role}).`);
      return startDetachedDaemon(ctx.io, options);
    });
}
