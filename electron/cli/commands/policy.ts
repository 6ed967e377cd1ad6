/** `tokenwarden policy NAME [flags] [--clear]`: show or change a credential's access policy. */
import type { Command } from 'commander';
import type { CredentialSummary } from '../../../shared/model.ts';
import { describePolicy, type Policy } from '../../../shared/policy.ts';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { usageError } from '../fail.ts';
import { addPolicyOptions, policyFromFlags, type PolicyFlagValues } from '../policy-flags.ts';

export function registerPolicy(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  addPolicyOptions(
    program
      .command('policy')
      .summary("show or change a credential's access policy (methods, paths, rate, concurrency, uses)")
      .argument('<name>'),
  )
    .option('--clear', 'remove the whole policy (no limits)')
    .option('--json', 'print the policy and uses left as JSON')
    .addHelpText('after', "\nGiven flags replace those rules and keep the others; an empty value (--rate '') removes one rule.\nUses already taken stay counted: raise --max-uses to allow more.")
    .action((name: string, opts: PolicyFlagValues & { clear?: boolean; json?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const { policy, given } = policyFromFlags(opts);
        if (opts.clear && given.length > 0) throw usageError('--clear removes the whole policy; give either --clear or policy flags.');
        let summary: CredentialSummary = await api.get(name);
        if (opts.clear) summary = await api.setPolicy(name, null);
        else if (given.length > 0) {
          const next: Policy = { ...summary.policy };
          for (const key of given) {
            // An empty value removes the rule; a given value replaces it.
            if (policy[key] === undefined) delete next[key];
            else (next as Record<string, unknown>)[key] = policy[key];
          }
          summary = await api.setPolicy(name, next);
        }
        if (opts.json) {
          printJson(io, { name: summary.name, policy: summary.policy ?? null, usesLeft: summary.usesLeft ?? null, status: summary.status });
          return;
        }
        const uses = summary.usesLeft === null || summary.usesLeft === undefined ? '' : ` (${summary.usesLeft} use${summary.usesLeft === 1 ? '' : 's'} left)`;
        io.out(`${summary.name}: ${describePolicy(summary.policy)}${uses}\n`);
      }),
    );
}
