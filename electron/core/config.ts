/**
 * Every TOKENWARDEN_* setting in one table (name, help line), read once by `readConfig`; the CLI help's
 * "Environment:" section is generated from the same table. The data dir itself is resolved by data-dir.ts.
 * bin/, scripts/ and the CLI fast path read their own few variables directly, to stay lean.
 */
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from './audit/audit-settings.ts';
import { resolveDataDir } from './base/data-dir.ts';

interface Setting {
  name: `TOKENWARDEN_${string}`;
  help: string;
  /** Listed in `tkw --help`; false for switches only the tests and the build use. */
  listed: boolean;
}

export const SETTINGS = {
  home: { name: 'TOKENWARDEN_HOME', help: 'data directory (default: the platform config dir)', listed: true },
  passphrase: { name: 'TOKENWARDEN_PASSPHRASE', help: 'vault passphrase for headless use (else keyring or prompt)', listed: true },
  port: { name: 'TOKENWARDEN_PORT', help: 'proxy port of `tkw daemon` (default 8787; 0 picks a free one)', listed: true },
  acceptRollback: { name: 'TOKENWARDEN_ACCEPT_ROLLBACK', help: '1: open a vault older than the last one seen (like --accept-rollback)', listed: true },
  audit: { name: 'TOKENWARDEN_AUDIT', help: 'off: do not audit proxied requests (operations still are)', listed: true },
  auditMaxBytes: { name: 'TOKENWARDEN_AUDIT_MAX_BYTES', help: 'size of one audit log file (default 10 MiB)', listed: true },
  auditMaxFiles: { name: 'TOKENWARDEN_AUDIT_MAX_FILES', help: 'audit log files kept (default 10)', listed: true },
  debug: { name: 'TOKENWARDEN_DEBUG', help: 'print the stack trace of an internal error', listed: true },
  envProxyPreload: { name: 'TOKENWARDEN_ENV_PROXY_PRELOAD', help: 'always: exec children load the proxy preload even on a Node that needs none', listed: false },
  cliFast: { name: 'TOKENWARDEN_CLI_FAST', help: '0: token, list and status take the full CLI (read by bin/ and cli/fast/)', listed: false },
  cliSource: { name: 'TOKENWARDEN_CLI_SOURCE', help: '1: run the TypeScript sources, never the bundle (read by bin/)', listed: false },
} as const satisfies Record<string, Setting>;

/** The settings a process runs with; `home` as data-dir.ts resolves it. */
interface Config {
  home: string;
  /** Absent when unset or empty. When it counts is the owner's rule (see `EnvPassphraseRule`). */
  passphrase: string | undefined;
  acceptRollback: boolean;
  audit: AuditSettings;
  debug: boolean;
}

export function readConfig(env: NodeJS.ProcessEnv): Config {
  const value = (setting: keyof typeof SETTINGS): string | undefined => env[SETTINGS[setting].name];
  return {
    home: resolveDataDir(env),
    passphrase: value('passphrase') || undefined,
    acceptRollback: value('acceptRollback') === '1',
    audit: {
      requests: !/^(off|0|false|no)$/i.test(value('audit') ?? ''),
      maxFileBytes: integer(value('auditMaxBytes'), DEFAULT_AUDIT_SETTINGS.maxFileBytes, 64 * 1024),
      maxFiles: integer(value('auditMaxFiles'), DEFAULT_AUDIT_SETTINGS.maxFiles, 1),
    },
    debug: Boolean(value('debug')),
  };
}

/**
 * When the environment's passphrase may open the vault: at the start-up unlock, or at any later `unlock` that
 * brings no secret. A one-shot CLI process takes it any time; an owner passes `startupOnly`.
 */
export type EnvPassphraseRule = (moment: 'start' | 'later') => boolean;

/** S6: an owner's later `unlock` without a secret must not undo an explicit `lock`. */
export const startupOnly: EnvPassphraseRule = (moment) => moment === 'start';

/** The help's "Environment:" lines: the listed settings, then the variables of others that we honour. */
export function environmentHelp(): string {
  const rows: [string, string][] = [
    ...Object.values(SETTINGS as Record<string, Setting>).filter((s) => s.listed).map((s): [string, string] => [s.name, s.help]),
    ['NO_COLOR', 'disable colour'],
  ];
  const width = Math.max(...rows.map(([name]) => name.length)) + 2;
  return rows.map(([name, help]) => `  ${name.padEnd(width)}${help}`).join('\n');
}

/** Unset or unparsable values fall back to the default; so does one below the minimum. */
function integer(value: string | undefined, fallback: number, min: number): number {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= min ? n : fallback;
}
