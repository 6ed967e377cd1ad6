/** `tokenwarden add`: pasted tokens, exec commands and OAuth clients; secrets only from stdin or a prompt. */
import { Option, type Command } from 'commander';
import type { AddInput } from '../../../shared/contract.ts';
import { AUTH_POLICIES, GRANTS } from '../../../shared/model.ts';
import type { CommandContext } from '../context.ts';
import { watchCaReissue } from '../ca-reissue.ts';
import { usageError } from '../fail.ts';
import { promptHidden, readStdinLines } from '../io.ts';
import { checkExecCommand, checkPastedToken } from '../add-checks.ts';
import { readUpstreamCa } from '../upstream-ca-file.ts';
import { callbackPathFor } from '../../core/oauth/loopback-redirect.ts';
import { addPolicyOptions, durationFlag, MAX_TOKEN_LIFETIME_SECONDS, policyFromFlags, type PolicyFlagValues } from '../policy-flags.ts';

interface AddOptions extends PolicyFlagValues {
  host?: string[];
  tokenStdin?: boolean;
  token?: string;
  exec?: string;
  issuer?: string;
  clientId?: string;
  clientSecretStdin?: boolean;
  refreshTokenStdin?: boolean;
  grant?: (typeof GRANTS)[number];
  scope?: string;
  audience?: string;
  resource?: string;
  authPolicy?: (typeof AUTH_POLICIES)[number];
  expiresIn?: string;
  allowInsecureLoopback?: boolean;
  upstreamCa?: string;
}

const TOKEN_ARG_HINT = 'Tokens are never taken as arguments (they would end up in shell history and `ps`); pipe it with --token-stdin.';

export function registerAdd(program: Command, ctx: CommandContext): void {
  addPolicyOptions(program.command('add'))
    .summary('add a credential (pasted token, exec command or OAuth client)')
    .argument('<name>', 'a slug: lowercase letters, digits, ".", "_" or "-"')
    .argument('[extra...]')
    .option('--host <origin...>', 'exact origin(s) the token may be sent to, e.g. https://api.github.com')
    .option('--token-stdin', 'read the token from standard input')
    .addOption(new Option('--token <value>').hideHelp())
    .option('--expires-in <duration>', 'lifetime of an opaque pasted token: 90s, 10m, 2h or 7d')
    .option('--exec <command>', 'get the token by running this command (no shell; see docs)')
    .option('--issuer <url>', 'OAuth issuer (discovery via RFC 8414)')
    .option('--client-id <id>', 'OAuth client id')
    .option('--client-secret-stdin', 'read the OAuth client secret from standard input (line 1)')
    .option('--refresh-token-stdin', 'read a refresh token to import from standard input (after the secret, if any)')
    .addOption(new Option('--grant <grant>', 'OAuth grant').choices(GRANTS))
    .option('--scope <scope>', 'OAuth scope (space-separated)')
    .option('--audience <audience>', 'OAuth audience')
    .option('--resource <uri>', 'RFC 8707 resource indicator')
    .addOption(new Option('--auth-policy <policy>', 'what to do with an incoming Authorization header').choices(AUTH_POLICIES).default('reject'))
    .option('--upstream-ca <file>', 'PEM file of a private CA to trust for this credential\'s https upstreams (self-signed, internal; change it with `tkw update`)')
    .option('--allow-insecure-loopback', 'allow plain http for 127.0.0.1/::1 upstreams and issuers (local development only)')
    .action(async (name: string, extra: string[], opts: AddOptions) => {
      if (opts.token !== undefined || extra.length > 0) throw usageError(TOKEN_ARG_HINT);
      if (!opts.host?.length) throw usageError('Bind at least one host with --host https://api.example.com.');
      const input = await buildInput(name, opts, ctx);
      await ctx.withSession(async (session) => {
        const warnIfCaReissued = watchCaReissue(session, ctx.io);
        const summary = await session.api.add(input);
        ctx.io.out(`Added ${summary.name} (${summary.kind}) for ${summary.hosts.join(', ')}.\n`);
        await warnIfCaReissued(summary.hosts);
        if (input.kind === 'oauth' && input.grant === 'auth-code') {
          // RFC 8252 §7.3: loopback redirects may use any port, so only the path has to be registered.
          ctx.io.out(`Register this redirect URI at your IdP: http://127.0.0.1${callbackPathFor(input.issuer)} (any port)\n`);
        }
        if (input.kind === 'oauth' && (input.grant === 'auth-code' || input.grant === 'device')) {
          ctx.io.out(`Next: tokenwarden login ${summary.name}\n`);
        }
      });
    });
}

async function buildInput(name: string, opts: AddOptions, ctx: CommandContext): Promise<AddInput> {
  const { policy, given } = policyFromFlags(opts);
  const common = {
    name,
    hosts: opts.host ?? [],
    authPolicy: opts.authPolicy ?? 'reject',
    allowInsecureLoopback: Boolean(opts.allowInsecureLoopback),
    ...(given.length > 0 ? { policy } : {}),
    ...(opts.upstreamCa !== undefined ? { upstreamCa: readUpstreamCa(opts.upstreamCa) } : {}),
  };
  if (opts.exec !== undefined) {
    await checkExecCommand(opts.exec, ctx.io);
    return { kind: 'exec', ...common, command: opts.exec };
  }
  if (opts.issuer || opts.clientId || opts.grant) {
    if (!opts.issuer || !opts.clientId || !opts.grant) throw usageError('OAuth credentials need --issuer, --client-id and --grant.');
    const lines = opts.clientSecretStdin || opts.refreshTokenStdin ? await readStdinLines(ctx.io.stdin) : [];
    const clientSecret = opts.clientSecretStdin ? lines.shift() : undefined;
    const refreshToken = opts.refreshTokenStdin ? lines.shift() : undefined;
    return {
      kind: 'oauth',
      ...common,
      issuer: opts.issuer,
      clientId: opts.clientId,
      grant: opts.grant,
      ...(clientSecret !== undefined ? { clientSecret } : {}),
      ...(refreshToken !== undefined ? { refreshToken } : {}),
      ...(opts.scope ? { scope: opts.scope } : {}),
      ...(opts.audience ? { audience: opts.audience } : {}),
      ...(opts.resource ? { resource: opts.resource } : {}),
    };
  }
  const expiresIn = durationFlag('--expires-in', opts.expiresIn, MAX_TOKEN_LIFETIME_SECONDS);
  const pasted = opts.tokenStdin || !ctx.io.stdin.isTTY ? (await readStdinLines(ctx.io.stdin)).join('\n') : await promptHidden('Token: ', ctx.io);
  const token = checkPastedToken(pasted, ctx.io);
  return { kind: 'static', ...common, token, ...(expiresIn ? { expiresIn } : {}) };
}
