/** `tokenwarden daemon [start|stop|restart|status]`: the headless owner for SSH, WSL and CI. */
import { Argument, Option, type Command } from 'commander';
import { SETTINGS } from '../../core/config.ts';
import type { CommandContext } from '../context.ts';
import { usageError } from '../fail.ts';

const ACTIONS = ['start', 'stop', 'restart', 'status'] as const;
type Action = (typeof ACTIONS)[number];

export function registerDaemon(program: Command, ctx: CommandContext): void {
  program
    .command('daemon')
    .summary('run the owner headless (vault, proxy, control socket); also stop, restart, status')
    .addArgument(new Argument('[action]', 'what to do').choices(ACTIONS).default('start'))
    .addOption(new Option('--port <port>', 'proxy port on 127.0.0.1 (0 picks a free one)').default('8787').env(SETTINGS.port.name))
    .option('--strict', 'refuse CONNECT to unbound hosts instead of tunnelling them')
    .option('--foreground', 'stay attached to the terminal and log to stdout')
    .action(async (action: Action, opts: { port: string; strict?: boolean; foreground?: boolean }) => {
      // Loaded on demand: the owner pulls in the whole core, which no other command's start should pay for.
      const { printDaemonStatus, stopDaemon } = await import('../daemon-control.ts');
      if (action === 'status') return printDaemonStatus(ctx.io);
      if (action === 'stop') return void (await stopDaemon(ctx.io));
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw usageError('--port takes a number from 0 to 65535.');
      const options = { port, strict: Boolean(opts.strict), acceptRollback: ctx.acceptRollback === true };
      if (action === 'restart') await stopDaemon(ctx.io);
      const { runDaemon, startDetachedDaemon } = await import('../daemon.ts');
      if (opts.foreground) return runDaemon(ctx.io, options);
      return startDetachedDaemon(ctx.io, options);
    });
}
