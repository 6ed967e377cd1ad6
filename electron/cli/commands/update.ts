/**
 * `tkw update NAME`: change a credential after `add` without removing it (which would drop its tokens and
 * policy). Today it changes the private upstream CA: `--upstream-ca FILE` replaces it, `--no-upstream-ca`
 * removes it. The proxy uses the new trust from its next request.
 */
import type { Command } from 'commander';
import type { UpdatePatch } from '../../../shared/contract.ts';
import type { CommandContext } from '../context.ts';
import { usageError } from '../fail.ts';
import { formatUpstreamCa } from '../format.ts';
import { readUpstreamCa } from '../upstream-ca-file.ts';

interface UpdateOptions {
  /** commander's negatable pair: a path for --upstream-ca FILE, false for --no-upstream-ca, undefined for neither. */
  upstreamCa?: string | false;
}

export function registerUpdate(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('update')
    .summary("change a credential's private upstream CA (--upstream-ca FILE, --no-upstream-ca)")
    .argument('<name>')
    .option('--upstream-ca <file>', "PEM file of the private CA to trust for this credential's https upstreams, replacing any before")
    .option('--no-upstream-ca', 'remove the private CA: upstreams are verified against the default roots only')
    .action((name: string, opts: UpdateOptions) => {
      if (opts.upstreamCa === undefined) throw usageError('Nothing to change: give --upstream-ca FILE or --no-upstream-ca.');
      // Read before connecting: a missing file is reported without touching the vault.
      const patch: UpdatePatch = { upstreamCa: opts.upstreamCa === false ? null : readUpstreamCa(opts.upstreamCa) };
      return ctx.withSession(async ({ api }) => {
        await api.update(name, patch);
        const ca = (await api.get(name)).upstreamCa;
        if (!ca?.length) return void io.out(`Updated ${name}: no private upstream CA; its https upstreams are verified against the default roots.\n`);
        io.out(`Updated ${name}: its https upstreams are verified against the default roots and ${ca.map(formatUpstreamCa).join(', ')}.\n`);
      });
    });
}
