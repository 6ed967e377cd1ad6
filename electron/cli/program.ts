/** The commander program: every command, one help text, errors turned into coded failures. */
import { Command, CommanderError } from 'commander';
import { registerKey } from './commands/key.ts';
import { registerPolicy } from './commands/policy.ts';
import { registerAdd } from './commands/add.ts';
import { registerAudit } from './commands/audit.ts';
import { registerDaemon } from './commands/daemon.ts';
import { registerKeyslot } from './commands/keyslot.ts';
import { registerManage } from './commands/manage.ts';
import { registerMcp } from './commands/mcp.ts';
import { registerProxy } from './commands/proxy.ts';
import { registerRead } from './commands/read.ts';
import { registerUpdate } from './commands/update.ts';
import { registerCompletion } from './commands/completion.ts';
import { addExamples } from './command-examples.ts';
import { environmentHelp, readConfig } from '../core/config.ts';
import { createContext } from './context.ts';
import { formatFailure, usageError } from './fail.ts';
import type { CliIo } from './io.ts';

const EXAMPLES = `
Examples:
  echo "$GITHUB_TOKEN" | tkw add github --host https://api.github.com --token-stdin
  tkw exec github -- curl https://api.github.com/user
  eval "$(tkw proxy-env github)"
  curl -H "X-Tokenwarden-Key: $KEY" http://127.0.0.1:8787/github/user

Environment:
${environmentHelp()}
`;

export function buildProgram(io: CliIo): { program: Command; exitCode: () => number } {
  const ctx = createContext(io);
  const program = new Command('tokenwarden')
    .description('Tokenwarden: encrypted bearer tokens and a loopback proxy that injects them only where they belong.')
    .version('0.1.0')
    .showSuggestionAfterError(true)
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: () => undefined })
    .option('--accept-rollback', 'open a vault older than the last one this machine saw (after restoring a backup on purpose)')
    .hook('preAction', () => void (ctx.acceptRollback = program.opts<{ acceptRollback?: boolean }>().acceptRollback === true));
  registerAdd(program, ctx);
  registerUpdate(program, ctx);
  registerRead(program, ctx);
  registerManage(program, ctx);
  registerProxy(program, ctx);
  registerDaemon(program, ctx);
  registerKeyslot(program, ctx);
  registerPolicy(program, ctx);
  registerKey(program, ctx);
  registerMcp(program, ctx);
  registerAudit(program, ctx);
  // Last: the completion script is generated from every command registered above.
  registerCompletion(program, ctx);
  addExamples(program);
  for (const command of program.commands) command.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: () => undefined });
  return { program, exitCode: () => ctx.exitCode ?? 0 };
}

/** Runs one CLI invocation and returns the exit code; never throws. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const { program, exitCode } = buildProgram(io);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return 0;
  }
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode();
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return 0; // --help, --version
      return report(io, usageError(err.message.replace(/^error: /, '')));
    }
    return report(io, err);
  }
}

function report(io: CliIo, err: unknown): number {
  const failure = formatFailure(err);
  io.err(`${failure.line}\n`);
  if (failure.code === 'ERR_INTERNAL' && readConfig(io.env).debug) io.err(`${(err as Error)?.stack ?? ''}\n`);
  return failure.exitCode;
}
