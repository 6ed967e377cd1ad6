/** `tokenwarden add`: pasted tokens, exec commands and OAuth clients; secrets only from stdin or a prompt. */
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import { AddInput } from '../../../shared/contract.ts';
import { AUTH_POLICIES, GRANTS } from '../../../shared/model.ts';
import type { CommandContext } from '../context.ts';
import { watchCaReissue } from '../ca-reissue.ts';
import { usageError } from '../fail.ts';
import { promptHidden, readStdinLines } from '../io.ts';
import { checkExecCommand, checkIssuer, checkPastedToken } from '../add-checks.ts';
import { parse } from '../../core/base/validate.ts';
import { readUpstreamCa } from '../upstream-ca-file.ts';
import { callbackPathFor } from '../../core/credentials/redirect-uri.ts';
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
  /** false with --no-verify. */
  verify?: boolean;
}

const CREDENTIAL_GROUP = 'Credential options:';

const EXAMPLES = `
Examples:
  # A pasted token, piped so it never lands in shell history
  echo "$GITHUB_TOKEN" | tkw add github --host https://api.github.com --token-stdin

  # An OAuth client that signs in through the browser
  tkw add corp --host https://api.corp.example --issuer https://login.corp.example \\
    --client-id tokenwarden-cli --grant auth-code --scope "openid offline_access"
  tkw login corp
`;

const TOKEN_ARG_HINT = 'Tokens are never taken as arguments (they would end up in shell history and `ps`); pipe it with --token-stdin.';

export function registerAdd(program: Command, ctx: CommandContext): void {
  const add = program
    .command('add')
    .summary('add a credential (pasted token, exec command or OAuth client)')
    .argument('<name>', 'a slug: lowercase letters, digits, ".", "_" or "-"')
    .argument('[extra...]', 'refused: a token is never taken as an argument (shell history, `ps`); pipe it with --token-stdin')
    .optionsGroup(CREDENTIAL_GROUP)
    .option('--host <origin...>', 'required: the exact origin(s) the token may be sent to, e.g. https://api.github.com')
    .option('--token-stdin', 'read the token from standard input (without it, a terminal prompts for it)')
    .addOption(new Option('--token <value>').hideHelp())
    .option('--expires-in <duration>', 'lifetime of an opaque pasted token: 90s, 10m, 2h or 7d')
    .option('--exec <command>', 'get the token by running this command (no shell; see docs)')
    .optionsGroup('OAuth options (instead of a pasted token or --exec):')
    .option('--issuer <url>', 'OAuth issuer; its discovery document is checked now (RFC 8414)')
    .option('--client-id <id>', 'OAuth client id')
    .option('--client-secret-stdin', 'read the OAuth client secret from standard input (line 1)')
    .option('--refresh-token-stdin', 'read a refresh token to import from standard input (after the secret, if any)')
    .addOption(new Option('--grant <grant>', 'OAuth grant').choices(GRANTS))
    .option('--scope <scope>', 'OAuth scope (space-separated)')
    .option('--audience <audience>', 'OAuth audience')
    .option('--resource <uri>', 'RFC 8707 resource indicator')
    .option('--no-verify', 'skip the discovery check of --issuer, to add a device or auth-code credential offline')
    .optionsGroup(CREDENTIAL_GROUP)
    .addOption(new Option('--auth-policy <policy>', 'what to do with an incoming Authorization header').choices(AUTH_POLICIES).default('reject'))
    .option('--upstream-ca <file>', 'PEM file of a private CA to trust for this credential\'s https upstreams (self-signed, internal; change it with `tkw update`)')
    .option('--allow-insecure-loopback', 'allow plain http for 127.0.0.1/::1 upstreams and issuers (local development only)')
    .optionsGroup('Policy options (limits the proxy enforces; default: none):');
  addPolicyOptions(add)
    .addHelpText('after', EXAMPLES)
    .action(async (name: string, extra: string[], opts: AddOptions) => {
      if (opts.token !== undefined || extra.length > 0) throw usageError(TOKEN_ARG_HINT);
      if (!opts.host?.length) throw usageError('Bind at least one host with --host https://api.example.com.');
      const input = await buildInput(name, opts, ctx);
      if (input.kind === 'oauth') await verifyIssuer(input, opts.verify !== false);
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
          ctx.io.out(`Next: ${invokedName()} login ${summary.name}\n`);
        }
      });
    });
}

/**
 * Discovery now, before anything is stored, so a typo'd issuer fails at add rather than at the first login. The
 * owner's own checks run first, so a bad URL or an http issuer gets the owner's sentence before any request.
 */
async function verifyIssuer(input: AddInput, verify: boolean): Promise<void> {
  const parsed = parse(AddInput, input);
  if (parsed.kind !== 'oauth') return;
  if (parsed.grant === 'auth-code' || parsed.grant === 'device') {
    if (verify) await checkIssuer({ issuer: parsed.issuer, grant: parsed.grant, allowInsecureLoopback: parsed.allowInsecureLoopback });
    return;
  }
  // The owner mints the first token of these grants at add, which needs the identity provider anyway.
  if (!verify) throw usageError(`--no-verify is for the device and auth-code grants; a ${parsed.grant} credential gets its first token at add.`);
}

/** The name the user typed, for the next command to run: `tkw` or `tokenwarden` (a test runner or `node main.ts` reads as the latter). */
export function invokedName(script: string | undefined = process.argv[1]): 'tkw' | 'tokenwarden' {
  return basename(script ?? '').replace(/\.(c|m)?js$|\.ts$|\.cmd$|\.exe$/i, '').toLowerCase() === 'tkw' ? 'tkw' : 'tokenwarden';
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
