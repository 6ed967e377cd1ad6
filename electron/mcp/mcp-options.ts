/** `tkw mcp` options: which credentials, how long the access key lives, how much body an agent gets back. */
import { CredentialName } from '../../shared/contract.ts';
import { readDuration } from '../../shared/policy.ts';
import { TokenwardenError } from '../core/base/errors.ts';

export interface McpOptions {
  /** The only credentials this server exposes; its access key is scoped to exactly these. */
  allow: string[];
  keyTtlSeconds: number;
  /** Response bodies longer than this are cut and flagged `truncated`. */
  maxBodyBytes: number;
}

export const DEFAULT_KEY_TTL = '8h';
export const DEFAULT_MAX_BODY = '256k';
/** A body this large is already a poor fit for a model's context; the cap keeps one answer bounded. */
const MAX_BODY_CEILING = 16 * 1024 * 1024;
const MAX_TTL_SECONDS = 30 * 86400;

function usage(message: string): TokenwardenError {
  return new TokenwardenError('ERR_USAGE', message);
}

export function parseAllow(values: readonly string[]): string[] {
  const names = [...new Set(values.flatMap((v) => v.split(',')).map((n) => n.trim()).filter(Boolean))];
  if (names.length === 0) {
    throw usage('Name the credentials the agent may use, e.g. `tkw mcp --allow github,jira`; nothing is exposed by default.');
  }
  for (const name of names) {
    if (!CredentialName.safeParse(name).success) throw usage(`--allow: "${name.slice(0, 64)}" is not a credential name.`);
  }
  return names;
}

/** `90s`, `30m`, `8h`, `7d`: the shared parser every duration flag uses; every refusal here is a usage error. */
export function parseDuration(value: string, flag = '--key-ttl'): number {
  const reading = readDuration(value, MAX_TTL_SECONDS);
  if ('seconds' in reading) return reading.seconds;
  throw usage(`${flag}: ${reading.problem}`);
}

const UNIT_BYTES: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 * 1024, mb: 1024 * 1024, mib: 1024 * 1024 };

/** `262144`, `256k`, `1m`. */
export function parseSize(value: string, flag = '--max-body'): number {
  const match = /^(\d{1,9})\s*([a-z]*)$/i.exec(value.trim());
  const unit = match ? UNIT_BYTES[match[2]!.toLowerCase()] : undefined;
  const bytes = match && unit ? Number(match[1]) * unit : NaN;
  if (!(bytes >= 1024) || bytes > MAX_BODY_CEILING) throw usage(`${flag} takes a size from 1k to 16m, like 256k or 2m.`);
  return bytes;
}

export function parseMcpOptions(raw: { allow?: string[]; keyTtl?: string; maxBody?: string }): McpOptions {
  return {
    allow: parseAllow(raw.allow ?? []),
    keyTtlSeconds: parseDuration(raw.keyTtl ?? DEFAULT_KEY_TTL),
    maxBodyBytes: parseSize(raw.maxBody ?? DEFAULT_MAX_BODY),
  };
}
