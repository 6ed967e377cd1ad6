/** Commands that change a credential or the vault: rm, login, refresh, rotate, revoke, lock, unlock. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { confirm, promptHidden, readStdinLines } from '../io.ts';
import { usageError } from '../fail.ts';
import { durationFlag, MAX_TOKEN_LIFETIME_SECONDS } from '../policy-flags.ts';
import { runLogin } from '../login.ts';
import type { CliIo } from '../io.ts';
import { isNewVault, promptNewPassphrase, promptPassphrase } from '../passphrase-prompt.ts';
import { requireOwner } from '../session.ts';
import type { VaultStatus } from '../../../shared/model.ts';
import { readConfig } from '../../core/config.ts';
import { TokenwardenError } from '../../core/base/errors.ts';

export function registerManage(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('rm')
    .alias('remove')
    .summary('remove a credential (asks on a terminal; --yes skips)')
    .argument('<name>')
    .option('-y, --yes', 'do not ask for confirmation')
    .action((name: string, opts: { yes?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        await api.get(name);
        if (!opts.yes && io.stdin.isTTY && !(await confirm(`Remove ${name}? Its tokens are deleted, not revoked.`, io))) {
          throw new TokenwardenError('ERR_CANCELLED', 'Nothing was removed.');
        }
        await api.remove(name);
        io.out(`Removed ${name}.\n`);
      }),
    );

  program
    .command('login')
    .summary('run the interactive OAuth grant (browser or device code)')
    .argument('<name>')
    .option('--no-browser', 'only print the URL to open (e.g. over SSH)')
    .action((name: string, opts: { browser: boolean }) =>
      ctx.withSession(async (session) => {
        const summary = await runLogin(session, name, io, { browser: opts.browser });
        io.out(`Logged in: ${summary.name} is ${summary.status}${summary.expiresAt ? `, expires ${summary.expiresAt}` : ''}.\n`);
      }),
    );

  program
    .command('refresh')
    .summary('force a refresh now')
    .argument('<name>')
    .action((name: string) =>
      ctx.withSession(async ({ api }) => {
        if ((await api.get(name)).kind === 'static') {
          return void io.out(`${name} is a pasted static token: there is nothing to refresh. Replace it with: tkw rotate ${name}\n`);
        }
        const s = await api.refresh(name);
        io.out(`Refreshed ${s.name}: ${s.status}${s.expiresAt ? `, expires ${s.expiresAt}` : ''}.\n`);
      }),
    );

  program
    .command('rotate')
    .summary('get a new token and retire the old one (static: new token on stdin)')
    .argument('<name>')
    .option('--token-stdin', 'static credentials: read the replacement token from stdin')
    .option('--expires-in <duration>', 'static credentials: lifetime of an opaque replacement, e.g. 2h or 30d (a JWT brings its own exp)')
    .action((name: string, opts: { tokenStdin?: boolean; expiresIn?: string }) =>
      ctx.withSession(async ({ api }) => {
        const expiresIn = durationFlag('--expires-in', opts.expiresIn, MAX_TOKEN_LIFETIME_SECONDS);
        const detail = await api.get(name);
        let token: string | undefined;
        if (detail.kind === 'static') {
          if (opts.tokenStdin || !io.stdin.isTTY) token = (await readStdinLines(io.stdin)).join('\n');
          else token = await promptHidden('New token: ', io);
        }
        const s = await api.rotate(name, { ...(token === undefined ? {} : { token }), ...(expiresIn === undefined ? {} : { expiresIn }) });
        const expiry = s.expiresAt ? `expires ${s.expiresAt}` : 'no expiry known (use --expires-in)';
        io.out(`Rotated ${s.name}: ${s.status}, token now ends …${s.tokenTail ?? '????'}, ${expiry}.\n`);
      }),
    );

  program
    .command('revoke')
    .summary('revoke at the IdP (RFC 7009) and wipe the tokens locally (asks on a terminal; --yes skips)')
    .argument('<name>')
    .option('-y, --yes', 'do not ask for confirmation')
    .action((name: string, opts: { yes?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        await api.get(name);
        // Revocation cannot be undone: a terminal user confirms, a script says --yes or pipes stdin.
        if (!opts.yes && io.stdin.isTTY && !(await confirm(`Revoke ${name}? The IdP invalidates it and the tokens are deleted here.`, io))) {
          throw new TokenwardenError('ERR_CANCELLED', 'Nothing was revoked.');
        }
        const result = await api.revoke(name);
        const headline = { confirmed: 'Revoked', 'not-confirmed': 'Revocation NOT confirmed', unsupported: 'Revocation unsupported' }[result.outcome];
        io.out(`${headline}: ${result.name}. ${result.detail} The tokens were deleted locally.\n`);
      }),
    );

  program
    .command('lock')
    .summary('lock the vault in the running owner (drops the key from memory)')
    .action(() => {
      requireOwner(io, 'lock');
      return ctx.withSession(async ({ api }) => {
        // Said the way `unlock` says it: a second lock changes nothing, so it must not read as if it did.
        if ((await api.status()).locked) return void io.out('Already locked.\n');
        await api.lock();
        io.out('Locked. The proxy answers 423 until `tkw unlock` is given the passphrase.\n');
      });
    });

  program
    .command('unlock')
    .summary('unlock the vault in the running owner (passphrase from a prompt, stdin or TOKENWARDEN_PASSPHRASE)')
    .option('--passphrase-stdin', 'read the passphrase from standard input')
    .action((opts: { passphraseStdin?: boolean }) => {
      requireOwner(io, 'unlock');
      return ctx.withSession(async ({ api }) => {
        const before = await api.status();
        if (!before.locked) return void io.out('Already unlocked.\n');
        const after = await api.unlock(await unlockSecret(io, before, Boolean(opts.passphraseStdin)));
        io.out(`Unlocked (${after.credentialCount ?? 0} credentials).\n`);
      });
    });
}

/**
 * The secret this caller presents. The owner no longer reads its own environment after start-up (S6), so a
 * passphrase vault needs one from here; a vault with a keyring or safe-storage slot may open without.
 */
async function unlockSecret(io: CliIo, status: VaultStatus, fromStdin: boolean): Promise<string | undefined> {
  const fromEnv = readConfig(io.env).passphrase;
  let secret: string | undefined;
  if (fromStdin) secret = (await readStdinLines(io.stdin))[0] ?? '';
  else if (fromEnv) secret = fromEnv;
  else if (io.stdin.isTTY) secret = isNewVault(status) ? await promptNewPassphrase(io) : await promptPassphrase(io);
  else if (status.keyslots.some((kind) => kind !== 'passphrase')) return undefined;
  else throw usageError('The passphrase is needed: type it on a terminal, pipe it with --passphrase-stdin, or set TOKENWARDEN_PASSPHRASE.');
  if (secret === '') throw usageError('The passphrase is empty.');
  return secret;
}
