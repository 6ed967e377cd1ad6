/** `tkw completion bash|zsh|fish`: the script is generated from this very program at run time. */
import { Argument, type Command } from 'commander';
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
}
