/**
 * `tkw update NAME`: change a credential after `add` without removing it (which would drop its tokens and
 * policy), like `op item edit` or `gh auth refresh --scopes`. The flags are `add`'s: `--host` replaces the bound
 * hosts, `--exec` the command, `--scope` the OAuth scope, `--auth-policy` what happens to an incoming
 * Authorization header, `--[no-]allow-insecure-loopback` the plain-http consent, and `--upstream-ca FILE` /
 * `--no-upstream-ca` the private CA. The proxy applies a change from its next request.
 */
import { Option, type Command } from 'commander';
import type { UpdatePatch } from '../../../shared/contract.ts';
import { AUTH_POLICIES, type CredentialDetail } from '../../../shared/model.ts';
import { checkExecCommand } from '../add-checks.ts';
import type { CommandContext } from '../context.ts';
import { watchCaReissue } from '../ca-reissue.ts';
import { usageError } from '../fail.ts';
import { formatUpstreamCa } from '../format.ts';
import { readUpstreamCa } from '../upstream-ca-file.ts';

interface UpdateOptions {
  host?: string[];
  exec?: string;
  scope?: string;
  authPolicy?: (typeof AUTH_POLICIES)[number];
  /** commander's negatable pairs: a value or true, false for the --no- form, undefined for neither. */
  allowInsecureLoopback?: boolean;
  upstreamCa?: string | false;
}

const NOTHING = 'Nothing to change: give --host, --exec, --scope, --auth-policy, --[no-]allow-insecure-loopback or --upstream-ca FILE / --no-upstream-ca.';

export function registerUpdate(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('update')
    .summary("change a credential's hosts, command, scope, auth policy or private upstream CA")
    .argument('<name>')
    .option('--host <origin...>', 'replace the bound origin(s), e.g. --host https://api.github.com https://uploads.github.com')
    .option('--exec <command>', 'exec credentials: the new command that prints the token (no shell)')
    .option('--scope <scope>', 'OAuth credentials: the scope to ask for at the next refresh or login (space-separated)')
    .addOption(new Option('--auth-policy <policy>', 'what to do with an incoming Authorization header').choices(AUTH_POLICIES))
    .option('--allow-insecure-loopback', 'allow plain http for 127.0.0.1/::1 upstreams (local development only)')
    .option('--no-allow-insecure-loopback', 'withdraw that consent (refused while a plain-http loopback host is bound)')
    .option('--upstream-ca <file>', "PEM file of the private CA to trust for this credential's https upstreams, replacing any before")
    .option('--no-upstream-ca', 'remove the private CA: upstreams are verified against the default roots only')
    .action(async (name: string, opts: UpdateOptions) => {
      const patch = patchFromFlags(opts);
      if (Object.keys(patch).length === 0) throw usageError(NOTHING);
      await ctx.withSession(async (session) => {
        const { api } = session;
        const before = await api.get(name);
        // The core ignores a field that does not apply to the kind; the CLI says so rather than report a change.
        if (patch.command !== undefined && before.kind !== 'exec') throw usageError(`${name} is a ${before.kind} credential; --exec applies to exec credentials.`);
        if (patch.scope !== undefined && before.kind !== 'oauth') throw usageError(`${name} is a ${before.kind} credential; --scope applies to OAuth credentials.`);
        if (patch.command !== undefined) await checkExecCommand(patch.command, io);
        const warnIfCaReissued = watchCaReissue(session, io);
        await api.update(name, patch);
        const after = await api.get(name);
        io.out(`Updated ${name}: ${changes(before, after, patch).join('; ')}.\n`);
        await warnIfCaReissued(after.hosts);
      });
    });
}

function patchFromFlags(opts: UpdateOptions): UpdatePatch {
  return {
    ...(opts.host !== undefined ? { hosts: opts.host } : {}),
    ...(opts.exec !== undefined ? { command: opts.exec } : {}),
    ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
    ...(opts.authPolicy !== undefined ? { authPolicy: opts.authPolicy } : {}),
    ...(opts.allowInsecureLoopback !== undefined ? { allowInsecureLoopback: opts.allowInsecureLoopback } : {}),
    // Read before connecting: a missing file is reported without touching the vault.
    ...(opts.upstreamCa !== undefined ? { upstreamCa: opts.upstreamCa === false ? null : readUpstreamCa(opts.upstreamCa) } : {}),
  };
}

/** What now holds, one phrase per field the patch named (canonical origins, as stored). */
function changes(before: CredentialDetail, after: CredentialDetail, patch: UpdatePatch): string[] {
  const out: string[] = [];
  if (patch.hosts) out.push(`hosts ${after.hosts.join(', ')}${after.hosts.join() === before.hosts.join() ? ' (unchanged)' : ''}`);
  if (patch.command !== undefined) out.push(`command \`${after.exec?.command ?? patch.command}\``);
  if (patch.scope !== undefined) out.push(`scope "${patch.scope}" from the next refresh or login`);
  if (patch.authPolicy) out.push(`auth policy ${after.authPolicy}`);
  if (patch.allowInsecureLoopback !== undefined) out.push(patch.allowInsecureLoopback ? 'plain http allowed for loopback hosts' : 'plain http not allowed');
  if (patch.upstreamCa !== undefined) {
    const ca = after.upstreamCa;
    out.push(ca?.length ? `https upstreams verified against the default roots and ${ca.map(formatUpstreamCa).join(', ')}` : 'no private upstream CA; https upstreams verified against the default roots');
  }
  return out;
}
