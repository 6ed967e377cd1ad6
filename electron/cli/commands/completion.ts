/**
 * `tkw completion bash|zsh|fish`: the script is generated from this very program at run time. The hidden
 * `tkw __complete names` is what the scripts call for credential names.
 */
import { Argument, type Command } from 'commander';
import { ownerCredentialNames } from '../complete-names.ts';
import { COMPLETION_SHELLS, completionScript, type CompletionShell } from '../completion.ts';
import type { CommandContext } from '../context.ts';

export function registerCompletion(program: Command, ctx: CommandContext): void {
  program
    .command('completion')
    .summary('print a shell completion script: source <(tkw completion bash)')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      ctx.io.out(completionScript(program, shell));
    });
  program
    .command('__complete', { hidden: true })
    .description('print completion candidates, one a line (used by the completion scripts)')
    // Whatever is asked, a completion never fails out loud: an unknown kind simply has no candidates.
    .argument('[kind]')
    .allowExcessArguments()
    .allowUnknownOption()
    .action(async (kind?: string) => {
      if (kind !== 'names') return;
      for (const name of await ownerCredentialNames(ctx.io.env)) ctx.io.out(`${name}\n`);
    });
}
