/** Read-only commands: list, show, token, status. `token` prints a secret (as do `proxy-env` and `proxy-key --print`). */
import type { Command } from 'commander';
import { caFileInfo } from '../../core/proxy/ca-file.ts';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { formatHealth } from '../audit-format.ts';
import { formatDetail, formatIntrospection, formatList, formatStatus } from '../format.ts';
import { readConfig } from '../../core/config.ts';
import { resolveDataDir } from '../../core/base/data-dir.ts';
import { readOwnerLock } from '../../core/vault/owner-lock.ts';
import { TokenwardenError } from '../../core/base/errors.ts';
import type { VaultStatus } from '../../../shared/model.ts';

export function registerRead(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('list')
    .alias('ls')
    .summary('list credentials with expiry and status')
    .option('--json', 'machine-readable output (CredentialSummary[])')
    .action((opts: { json?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const items = await api.list();
        if (opts.json) printJson(io, items);
        else io.out(`${formatList(items, Date.now(), io.color)}\n`);
      }),
    );

  program
    .command('show')
    .summary('show one credential: claims, scopes, expiry (never the token)')
    .argument('<name>')
    .option('--json', 'machine-readable output (CredentialDetail)')
    .action((name: string, opts: { json?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const detail = await api.get(name);
        // RFC 7662 needs client authentication, so only confidential clients can ask (O12).
        const introspection = detail.oauth?.hasClientSecret && detail.status !== 'revoked' ? await api.introspect(name).catch(() => null) : null;
        // Pasted JWTs naming an issuer get their signature checked against its JWKS.
        const health = detail.kind === 'static' && typeof detail.claims?.iss === 'string' ? await api.tokenHealth(name).catch(() => null) : null;
        if (opts.json) printJson(io, { ...detail, introspection, ...(health ? { health } : {}) });
        else io.out(`${formatDetail(detail, Date.now(), io.color)}${introspection ? `\n${formatIntrospection(introspection)}` : ''}${health ? `\n${formatHealth(health)}` : ''}\n`);
      }),
    );

  program
    .command('token')
    .summary('print the access token, refreshing it first if needed')
    .argument('<name>')
    .action((name: string) =>
      ctx.withSession(async ({ api }) => {
        io.out(`${await api.token(name)}\n`);
      }),
    );

  program
    .command('status')
    .summary('vault, keyslots, data dir, owner and proxy')
    .option('--json', 'machine-readable output (VaultStatus)')
    .action((opts: { json?: boolean }) =>
      // Status must work even when the vault can't be unlocked here, so a local session doesn't unlock.
      ctx.withSession(
        async ({ api, mode }) => {
          const status = await api.status();
          const ca = caFileInfo(status.dataDir);
          if (opts.json) printJson(io, { ...status, caFingerprint: ca.fingerprint });
          else io.out(`${formatStatus(status, ca, mode === 'local' ? localOpening(status, io.env) : undefined)}\n`);
        },
        { unlock: false },
      ).catch((err: unknown) => {
        if (err instanceof TokenwardenError && err.code === 'ERR_BUSY') {
          const owner = readOwnerLock(resolveDataDir(io.env));
          throw new TokenwardenError('ERR_BUSY', `${err.message}${owner ? ` (owner pid ${owner.pid})` : ''}`);
        }
        throw err;
      }),
    );
}

/**
 * With no owner, the vault is not "locked": nothing holds it open, and each command opens it by itself. Say how
 * it will open, so a user with TOKENWARDEN_PASSPHRASE set is not told to unlock anything.
 */
function localOpening(status: VaultStatus, env: NodeJS.ProcessEnv): string {
  const how = readConfig(env).passphrase
    ? 'with TOKENWARDEN_PASSPHRASE'
    : status.keyslots.includes('os-keyring')
      ? 'with the OS keyring'
      : status.keyslots.length === 0
        ? 'after you choose a passphrase (the first command creates the vault)'
        : 'after asking for the passphrase on a terminal';
  return `no owner running; commands open the vault ${how}`;
}
