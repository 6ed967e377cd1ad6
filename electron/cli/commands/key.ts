/** `tokenwarden key create|list|revoke`: scoped access keys (`twk_…`) instead of the master proxy key. */
import type { Command } from 'commander';
import { AccessKeyId } from '../../../shared/contract.ts';
import type { AccessKeyCreated, AccessKeySummary } from '../../../shared/model.ts';
import { describePolicy, hasControlChar, keyExpiresText, POLICY_MESSAGES, policyFromFields, splitList, type AccessKeyInput } from '../../../shared/policy.ts';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { formatTable } from '../format.ts';
import { expiryText } from '../../../shared/relative-time.ts';
import { durationFlag, flagError } from '../policy-flags.ts';

interface CreateOptions {
  for: string;
  uses?: string;
  ttl?: string;
  methods?: string;
  paths?: string;
  rate?: string;
  label?: string;
  json?: boolean;
}

/** Flags -> AccessKeyInput, each bad value named by its flag with the shared message. */
export function keyInputFromFlags(opts: CreateOptions): AccessKeyInput {
  const names = splitList(opts.for) ?? [];
  if (names.length === 0) throw flagError('--for', POLICY_MESSAGES.forEmpty);
  const { policy, errors } = policyFromFields({ methods: opts.methods, paths: opts.paths, rate: opts.rate, maxUses: opts.uses });
  if (errors.maxUses) throw flagError('--uses', errors.maxUses);
  for (const [flag, key] of [['--methods', 'methods'], ['--paths', 'paths'], ['--rate', 'rate']] as const) {
    if (errors[key]) throw flagError(flag, errors[key]);
  }
  const ttlSeconds = durationFlag('--ttl', opts.ttl);
  if (opts.label !== undefined && (opts.label.length > 100 || hasControlChar(opts.label))) throw flagError('--label', POLICY_MESSAGES.label);
  return {
    for: names,
    ...(policy.maxUses !== undefined ? { uses: policy.maxUses } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(policy.methods ? { methods: policy.methods } : {}),
    ...(policy.paths ? { paths: policy.paths } : {}),
    ...(policy.rate ? { rate: policy.rate } : {}),
    ...(opts.label !== undefined ? { label: opts.label } : {}),
  };
}

function limits(k: AccessKeySummary, now: number): string {
  const parts = [k.usesLeft === null ? 'unlimited uses' : `${k.usesLeft} use${k.usesLeft === 1 ? '' : 's'} left`];
  parts.push(k.expiresAt ? `expires ${expiryText(k.expiresAt, now)}` : k.whileConnected ? 'ends with its command' : 'no expiry');
  if (k.policy) parts.push(describePolicy(k.policy));
  return parts.join(', ');
}

export function registerKey(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  const key = program.command('key').summary('scoped access keys: create, list, revoke');

  key
    .command('create')
    .summary('create a twk_ access key for some credentials; it is printed once')
    .requiredOption('--for <names>', 'the credential(s) the key may use, comma-separated')
    .option('--uses <n>', 'the key stops after N requests (1 = one-time)')
    .option('--ttl <duration>', 'the key expires after 90s, 10m, 2h or 7d')
    .option('--methods <list>', 'narrow to these HTTP methods')
    .option('--paths <list>', 'narrow to these path patterns')
    .option('--rate <rate>', 'a rate limit of its own: 10/s, 600/min or 5000/h')
    .option('--label <text>', 'a note shown in `key list`')
    .option('--json', 'print {"id","key","for","expiresAt","usesLeft","label"}')
    .action((opts: CreateOptions) =>
      ctx.withSession(async ({ api }) => {
        const created: AccessKeyCreated = await api.createAccessKey(keyInputFromFlags(opts));
        if (opts.json) {
          const { id, key: secret, for: names, expiresAt, usesLeft, label } = created;
          printJson(io, { id, key: secret, for: names, expiresAt, usesLeft, label });
          return;
        }
        // The key alone on stdout, so KEY=$(tkw key create …) works; the rest is for the human.
        io.out(`${created.key}\n`);
        // Counted from the key's own creation time, so `--ttl 15m` reads "in 15m", not "in 14m 59s".
        io.err(`Created ${created.id} for ${created.for.join(', ')} (${limits(created, Date.parse(created.createdAt))}).\nThis is the only time the key is shown; Tokenwarden keeps only a hash. Revoke it with: tkw key revoke ${created.id}\n`);
      }),
    );

  key
    .command('list')
    .summary('list active access keys (never the keys themselves); --all adds revoked, expired and used-up ones')
    .option('--all', 'also list revoked, expired and used-up keys (each `tkw exec` leaves a revoked one)')
    .option('--json', 'machine-readable output (AccessKeySummary[]), the same keys as the table')
    .action((opts: { all?: boolean; json?: boolean }) =>
      ctx.withSession(async ({ api }) => {
        const every = await api.listAccessKeys();
        const keys = opts.all ? every : every.filter((k) => k.status === 'active');
        if (opts.json) {
          printJson(io, keys);
          return;
        }
        if (keys.length === 0) {
          const ended = every.length > 0 ? ` (${every.length} ended; --all lists them)` : '';
          io.out(`No active access keys${ended}. Create one with: tkw key create --for NAME --uses 1 --ttl 10m\n`);
          return;
        }
        const now = Date.now();
        const rows = [
          ['ID', 'FOR', 'STATUS', 'USES LEFT', 'EXPIRES', 'LABEL'],
          ...keys.map((k) => [k.id, k.for.join(',') || '-', k.status, k.usesLeft === null ? '∞' : String(k.usesLeft), keyExpiresText(k, now), k.label ?? '-']),
        ];
        io.out(`${formatTable(rows)}\n`);
      }),
    );

  key
    .command('revoke')
    .summary('revoke an access key; the next request with it gets 401')
    .argument('<id>', 'the key id from `tkw key list` (ak_…)')
    .action((id: string) =>
      ctx.withSession(async ({ api }) => {
        const valid = AccessKeyId.safeParse(id);
        if (!valid.success) throw flagError('ID', valid.error.issues[0]?.message ?? 'That is not an access key id.');
        const revoked = await api.revokeAccessKey(id);
        io.out(`Revoked ${revoked.id}${revoked.label ? ` (${revoked.label})` : ''}.\n`);
      }),
    );
}
