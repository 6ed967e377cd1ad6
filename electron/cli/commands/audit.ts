/** `audit`, `audit verify`, `stats` and `alerts`: the audit trail and alerts from the terminal. */
import { Option, type Command } from 'commander';
import { AuditQuery, SinceInput, type AuditEntry, type AuditVerifyResult } from '../../../shared/audit-model.ts';
import { auditDir } from '../../core/audit/audit-files.ts';
import { segmentRange } from '../../core/audit/audit-entry.ts';
import { addRequestStats, filterOf, forEachEntry, queryAudit } from '../../core/audit/audit-reader.ts';
import { parseSince } from '../../core/audit/since.ts';
import { StatsAccumulator } from '../../core/audit/stats.ts';
import { readConfig } from '../../core/config.ts';
import { resolveDataDir } from '../../core/base/data-dir.ts';
import { TokenwardenError } from '../../core/base/errors.ts';
import { parse } from '../../core/base/validate.ts';
import { formatAlerts, formatAuditTable, formatStats } from '../audit-format.ts';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { usageError } from '../fail.ts';
import { promptPassphrase } from '../passphrase-prompt.ts';
import { lockedWithoutTerminal } from '../unlock-local.ts';

interface AuditOptions {
  json?: boolean;
  since?: string;
  name?: string;
  status?: string;
  limit?: string;
  follow?: boolean;
}

function toQuery(opts: AuditOptions): AuditQuery {
  const limit = opts.limit === undefined ? undefined : Number(opts.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw usageError('--limit takes a whole number (0 means all).');
  return parse(AuditQuery, {
    ...(opts.since ? { since: opts.since } : {}),
    ...(opts.name ? { name: opts.name } : {}),
    ...(opts.status ? { status: opts.status } : {}),
    ...(limit !== undefined ? { limit } : {}),
  });
}

export function registerAudit(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const audit = program
    .command('audit')
    .summary('show the audit trail: requests, operations and alerts (never a secret)')
    .option('--json', 'JSON Lines, one AuditEntry per line')
    .option('--since <when>', 'only entries since a duration (1h, 30m, 2d) or an ISO date')
    .option('--name <name>', 'only entries for this credential')
    .option('--status <status>', 'only requests with this status or class: 429, 4xx, 5xx,429')
    .option('--limit <n>', 'the most recent N entries (default 100; 0 = all)')
    .option('--follow', 'keep printing new entries from the running owner')
    .action(async (opts: AuditOptions) => {
      const query = toQuery(opts);
      const dir = auditDir(resolveDataDir(io.env));
      const print = (entries: AuditEntry[]): void => {
        if (entries.length === 0 && !io.isTty && !opts.json) return;
        if (opts.json) io.out(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
        else io.out(`${formatAuditTable(entries, io.color)}\n`);
      };
      if (query.limit === 0 && opts.json) {
        // All entries: streamed, so a million lines never sit in memory at once.
        let chunk: string[] = [];
        await forEachEntry(dir, filterOf(query, Date.now()), (entry) => {
          chunk.push(JSON.stringify(entry));
          if (chunk.length >= 4096) {
            io.out(`${chunk.join('\n')}\n`);
            chunk = [];
          }
        });
        if (chunk.length > 0) io.out(`${chunk.join('\n')}\n`);
      } else {
        print((await queryAudit(dir, query)).entries);
      }
      if (opts.follow) await follow(ctx, query, opts);
    });

  audit
    .command('verify')
    .summary('check the HMAC chain: exits 0 with "intact (N entries)" or names the first changed, removed or reordered entry')
    .option('--json', 'machine-readable output (AuditVerifyResult)')
    .action((opts: { json?: boolean }) =>
      // L4: verify only reads. A running owner checks against its own last commit. Without one, the session is only
      // the owner lock (no writer starts meanwhile) and its service stays locked, so it holds no chain key and
      // writes nothing; the vault is opened once more, on its own, for the key alone, so no unlock is audited.
      ctx.withSession(
        async (session) => {
          // commander hands `--json` to the parent `audit` when both define it.
          if ((audit.opts() as AuditOptions).json) opts.json = true;
          const result = session.mode === 'daemon' ? await session.api.auditVerify() : await verifyWithoutOwner(ctx, session.home);
          if (opts.json) printJson(io, result);
          if (!result.intact) throw new TokenwardenError('ERR_AUDIT_TAMPERED', result.problem?.message ?? 'The audit log was changed.');
          if (!opts.json) io.out(`intact (${result.entries} entries)${result.dropped ? `; retention dropped ${segmentRange(result.dropped.from, result.dropped.to)}` : ''}\n`);
        },
        { unlock: false },
      ),
    );

  program
    .command('stats')
    .summary('per credential: requests, errors by class, p50/p99 latency and last use')
    .option('--json', 'machine-readable output (StatsReport)')
    .option('--since <when>', 'window start: a duration (default 1h) or an ISO date')
    .action(async (opts: { json?: boolean; since?: string }) => {
      const since = parse(SinceInput, opts.since ?? '1h');
      const now = Date.now();
      const from = parseSince(since, now).getTime();
      const stats = new StatsAccumulator({ retainMs: Infinity });
      await addRequestStats(auditDir(resolveDataDir(io.env)), stats, new Date(from).toISOString());
      const report = stats.report(from, now);
      if (opts.json) printJson(io, report);
      else io.out(`${formatStats(report, now, io.color)}\n`);
    });

  const alerts = program
    .command('alerts')
    .summary('open alerts (or all with --all); acknowledge with `alerts ack ID|--all`')
    .option('--json', 'machine-readable output (AlertItem[])')
    .option('--all', 'include acknowledged alerts')
    .action((opts: { json?: boolean; all?: boolean }) =>
      ctx.withSession(
        async ({ api }) => {
          const items = await api.alerts({ all: Boolean(opts.all) });
          if (opts.json) printJson(io, items);
          else io.out(`${formatAlerts(items, Date.now(), io.color, Boolean(opts.all))}\n`);
        },
        { unlock: false },
      ),
    );

  const ack = alerts
    .command('ack')
    .summary('acknowledge one alert by id, or every open one with --all')
    .argument('[id]')
    .addOption(new Option('--all', 'acknowledge every open alert'))
    .option('--json', 'machine-readable output (AckResult)')
    .action((id: string | undefined, own: { all?: boolean; json?: boolean }) => {
      // commander gives `--all` and `--json` to the parent `alerts`, which defines them too, wherever they stand
      // (positional options would have to be enabled on the whole program, moving every global option).
      const parent = alerts.opts() as { all?: boolean; json?: boolean };
      const opts = { all: Boolean(own.all || parent.all), json: Boolean(own.json || parent.json) };
      if (!id === !opts.all) throw usageError('Give one alert id, or --all.');
      return ctx.withSession(async ({ api }) => {
        const result = await api.ackAlert(opts.all ? { all: true } : { id: id! });
        if (opts.json) printJson(io, result);
        else io.out(`acknowledged ${result.acknowledged} alert${result.acknowledged === 1 ? '' : 's'}\n`);
      });
    });
  for (const command of [...audit.commands, ack]) quiet(command, ctx);
}

/** L4 with no owner: the chain key from a vault opened for that alone; a passphrase prompt only on a terminal. */
async function verifyWithoutOwner(ctx: CommandContext, home: string): Promise<AuditVerifyResult> {
  const { io } = ctx;
  const { verifyAuditReadOnly } = await import('../../core/audit/audit-verify-readonly.ts');
  return verifyAuditReadOnly({
    home,
    passphrase: readConfig(io.env).passphrase,
    acceptRollback: ctx.acceptRollback,
    onVaultRecovery: (recovery) => io.err(`tokenwarden: warning: ${recovery.message}\n`),
    askPassphrase: async () => {
      if (!io.stdin.isTTY) throw lockedWithoutTerminal(false);
      return promptPassphrase(io);
    },
  });
}

/** Subcommands share the program's no-exit error handling. */
function quiet(command: Command, ctx: CommandContext): void {
  command.exitOverride().configureOutput({ writeOut: (s) => ctx.io.out(s), writeErr: () => undefined });
}

/** Streams committed entries from the running owner until the user stops it (Ctrl-C). */
async function follow(ctx: CommandContext, query: AuditQuery, opts: AuditOptions): Promise<void> {
  const { io } = ctx;
  await ctx.withSession(
    async (session) => {
      if (session.mode !== 'daemon') throw new TokenwardenError('ERR_NO_OWNER', '--follow needs a running owner: start `tokenwarden daemon` (or the desktop app) first.');
      const filter = filterOf({ ...query, since: undefined }, Date.now());
      await new Promise<void>((resolve) => {
        void session.onEvent((event) => {
          if (event.type !== 'audit') return;
          const entries = event.entries.filter((e) => (!filter.name || e.credential === filter.name) && (!filter.status || filter.status(e.status)));
          if (entries.length === 0) return;
          if (opts.json) io.out(entries.map((e) => `${JSON.stringify(e)}\n`).join(''));
          else io.out(`${formatAuditTable(entries, io.color).split('\n').slice(1).join('\n')}\n`);
        });
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    },
    { unlock: false },
  );
}
