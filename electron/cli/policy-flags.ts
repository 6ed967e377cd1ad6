/** The policy flags shared by `add` and `policy`, parsed with the same messages the desktop form shows (shared/policy.ts). */
import type { Command } from 'commander';
import { MAX_TTL_SECONDS, policyFromFields, readDuration, type Policy, type PolicyFields } from '../../shared/policy.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { usageError } from './fail.ts';

/** The owner's bound on a pasted token's `expiresIn` (shared/contract.ts), so the flag refuses what it would. */
export const MAX_TOKEN_LIFETIME_SECONDS = 10 * 365 * 86_400;

export interface PolicyFlagValues {
  methods?: string;
  paths?: string;
  rate?: string;
  concurrency?: string;
  maxUses?: string;
}

const FLAG_OF: Record<keyof PolicyFields, string> = {
  methods: '--methods',
  paths: '--paths',
  rate: '--rate',
  concurrency: '--concurrency',
  maxUses: '--max-uses',
};

export function addPolicyOptions(command: Command): Command {
  return command
    .option('--methods <list>', 'allowed HTTP methods, e.g. GET,HEAD (default: all)')
    .option('--paths <list>', "allowed path patterns, e.g. '/repos/*,/user' (* = one segment, ** = any)")
    .option('--rate <rate>', 'token bucket: 10/s, 600/min or 5000/h (burst = the count)')
    .option('--concurrency <n>', 'at most N requests in flight upstream; others wait up to 5 s')
    .option('--max-uses <n>', 'refuse after N requests (1 = a one-time credential)');
}

/** The flags that were given, as a Policy; a bad value fails with ERR_INVALID_INPUT naming its flag. */
export function policyFromFlags(values: PolicyFlagValues): { policy: Policy; given: (keyof PolicyFields)[] } {
  const given = (Object.keys(FLAG_OF) as (keyof PolicyFields)[]).filter((k) => values[k] !== undefined);
  const { policy, errors } = policyFromFields(values);
  for (const key of given) {
    const message = errors[key];
    if (message) throw new TokenwardenError('ERR_INVALID_INPUT', `${FLAG_OF[key]}: ${message}`);
  }
  return { policy, given };
}

/** One flag's message, for `key create` flags that reuse the policy checks. */
export function flagError(flag: string, message: string): TokenwardenError {
  return new TokenwardenError('ERR_INVALID_INPUT', `${flag}: ${message}`);
}

/**
 * Every duration flag (--ttl, --expires-in) parses here. A bare number is a usage error with a hint, since
 * the user meant a unit and only they know which; any other bad value is ERR_INVALID_INPUT like a policy flag.
 */
export function durationFlag(flag: string, text: string | undefined, maxSeconds: number = MAX_TTL_SECONDS): number | undefined {
  if (text === undefined) return undefined;
  const reading = readDuration(text, maxSeconds);
  if ('seconds' in reading) return reading.seconds;
  throw reading.unitless ? usageError(`${flag}: ${reading.problem}`) : flagError(flag, reading.problem);
}
