/**
 * Access policies and access-key input: the schemas and the human messages shared by the CLI, the desktop
 * form and the owner, so every face explains a bad value the same way.
 */
import { z } from 'zod';
import { expiryText, formatDuration } from './relative-time.ts';

/**
 * The methods a policy may name. A verb outside this list (`FETCH`, a typo) would match no request and turn
 * the policy into "refuse everything" without a word, so it is refused when the policy is written.
 */
const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'TRACE'] as const;
const KNOWN_METHODS: ReadonlySet<string> = new Set(HTTP_METHODS);

/** One sentence per rule; the CLI prints them after the flag name, the UI under the field. */
export const POLICY_MESSAGES = {
  methods: 'Methods are HTTP verbs separated by commas, like GET,HEAD.',
  methodsEmpty: 'List at least one method, or leave methods empty to allow all.',
  methodsUnknown: `Known methods are ${HTTP_METHODS.slice(0, -1).join(', ')} and ${HTTP_METHODS.at(-1)}.`,
  paths: 'Each path pattern starts with "/", like /repos/* or /user; * matches within one segment and ** across segments.',
  pathsEmpty: 'List at least one path pattern, or leave paths empty to allow all.',
  pathChars: 'Path patterns cannot contain spaces, "?", "#", "%", "\\" or control characters; write the decoded path.',
  pathDots: 'Path patterns cannot contain "." or ".." segments.',
  pathGlobstar: '"**" must be a whole segment, like /files/**.',
  rate: 'Write the rate as COUNT/UNIT: 10/s, 600/min or 5000/h.',
  rateZero: 'The rate must allow at least 1 request per unit, like 10/s.',
  rateHigh: 'The rate can be at most 1000000 per unit.',
  concurrency: 'Concurrency is a whole number of requests in flight, from 1 to 1000.',
  maxUses: 'The number of uses is a whole number from 1 to 1000000000.',
  ttl: 'The lifetime is a positive duration like 90s, 10m, 2h or 7d (at most 365d).',
  label: 'The label is at most 100 printable characters.',
  forEmpty: 'Name at least one credential the key is for.',
} as const;

export const MAX_USES = 1_000_000_000;
export const MAX_TTL_SECONDS = 365 * 86_400;

const METHOD = /^[A-Za-z]{1,20}$/;

/** C0 controls and DEL: they mean different things to different servers and terminals. */
export function hasControlChar(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return true;
  }
  return false;
}

const MethodWord = z.string().regex(METHOD, POLICY_MESSAGES.methods).transform((m) => m.toUpperCase());
const unique = (list: string[]): string[] => [...new Set(list)];

/** What a caller may set: known methods only, upper-cased and deduplicated (`GET,post` is GET,POST). */
export const PolicyMethods = z
  .array(MethodWord.refine((m) => KNOWN_METHODS.has(m), POLICY_MESSAGES.methodsUnknown))
  .min(1, POLICY_MESSAGES.methodsEmpty)
  .max(32, POLICY_MESSAGES.methods)
  .transform(unique);

/** What a vault written before the known-method check may hold: such a record must still save after a refresh. */
const StoredPolicyMethods = z.array(MethodWord).min(1, POLICY_MESSAGES.methodsEmpty).max(32, POLICY_MESSAGES.methods).transform(unique);

/** Why a path pattern is refused, or undefined when it is fine. */
export function pathPatternProblem(pattern: string): string | undefined {
  if (typeof pattern !== 'string' || !pattern.startsWith('/') || pattern.length > 512) return POLICY_MESSAGES.paths;
  // Patterns are matched against the decoded, normalised path, so encoded or ambiguous text in them could never match.
  if (/[\s?#%\\]/.test(pattern) || hasControlChar(pattern)) return POLICY_MESSAGES.pathChars;
  const segments = pattern.slice(1).split('/');
  for (const segment of segments) {
    if (segment === '.' || segment === '..') return POLICY_MESSAGES.pathDots;
    if (segment.includes('**') && segment !== '**') return POLICY_MESSAGES.pathGlobstar;
  }
  return undefined;
}

export const PathPattern = z.string().superRefine((value, ctx) => {
  const problem = pathPatternProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const PolicyPaths = z.array(PathPattern).min(1, POLICY_MESSAGES.pathsEmpty).max(64, 'At most 64 path patterns.');

export const RATE_UNITS = { s: 1_000, min: 60_000, h: 3_600_000 } as const;
export type RateUnit = keyof typeof RATE_UNITS;

/** `10/s` -> { count: 10, unit: 's', perMs: 1000 }; aliases like `sec`, `m`, `hour` are accepted and canonicalised. */
export function parseRate(text: string): { count: number; unit: RateUnit; perMs: number } | { problem: string } {
  const match = /^\s*(\d{1,9})\s*\/\s*(s|sec|second|m|min|minute|h|hr|hour)\s*$/i.exec(String(text));
  if (!match) return { problem: POLICY_MESSAGES.rate };
  const count = Number(match[1]);
  if (count < 1) return { problem: POLICY_MESSAGES.rateZero };
  if (count > 1_000_000) return { problem: POLICY_MESSAGES.rateHigh };
  const word = match[2]!.toLowerCase();
  const unit: RateUnit = word.startsWith('s') ? 's' : word.startsWith('h') ? 'h' : 'min';
  return { count, unit, perMs: RATE_UNITS[unit] };
}

export const RateText = z.string().transform((value, ctx) => {
  const rate = parseRate(value);
  if ('problem' in rate) {
    ctx.addIssue({ code: 'custom', message: rate.problem });
    return z.NEVER;
  }
  return `${rate.count}/${rate.unit}`;
});

export const Concurrency = z.number({ error: POLICY_MESSAGES.concurrency }).int(POLICY_MESSAGES.concurrency).min(1, POLICY_MESSAGES.concurrency).max(1000, POLICY_MESSAGES.concurrency);
export const UseCount = z.number({ error: POLICY_MESSAGES.maxUses }).int(POLICY_MESSAGES.maxUses).min(1, POLICY_MESSAGES.maxUses).max(MAX_USES, POLICY_MESSAGES.maxUses);

const POLICY_RULES = {
  paths: PolicyPaths.optional(),
  rate: RateText.optional(),
  concurrency: Concurrency.optional(),
  maxUses: UseCount.optional(),
};

/** A credential's policy as a caller sets it. Absent fields allow everything; an empty object is no policy at all. */
export const Policy = z.object({ methods: PolicyMethods.optional(), ...POLICY_RULES }).strict();
export type Policy = z.output<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

/** A credential record's stored policy: Policy, except that any verb already stored is kept. */
export const StoredPolicy = z.object({ methods: StoredPolicyMethods.optional(), ...POLICY_RULES }).strict();

export const TtlSeconds = z.number({ error: POLICY_MESSAGES.ttl }).int(POLICY_MESSAGES.ttl).min(1, POLICY_MESSAGES.ttl).max(MAX_TTL_SECONDS, POLICY_MESSAGES.ttl);

const DURATION_UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/** The sentence for a bad duration; `maxSeconds` words the bound, so for 365 days it is POLICY_MESSAGES.ttl. */
export function durationMessage(maxSeconds: number = MAX_TTL_SECONDS): string {
  return `The lifetime is a positive duration like 90s, 10m, 2h or 7d (at most ${formatDuration(maxSeconds)}).`;
}

export type DurationReading = { seconds: number } | { problem: string; unitless: boolean };

/**
 * `90s`, `10m`, `2h`, `7d` -> seconds: the one parser behind every duration flag and form field. A bare number
 * is refused rather than read as seconds: `--ttl 15` meant as minutes would mint a key dead before its first use.
 */
export function readDuration(text: string, maxSeconds: number = MAX_TTL_SECONDS): DurationReading {
  const match = /^\s*(\d{1,9})\s*([smhd])?\s*$/i.exec(String(text));
  const count = match ? Number(match[1]) : 0;
  if (!match || count === 0) return { problem: durationMessage(maxSeconds), unitless: false };
  if (match[2] === undefined) return { problem: `${count} has no unit: ${count}s or ${count}m?`, unitless: true };
  const seconds = count * DURATION_UNIT_SECONDS[match[2].toLowerCase() as keyof typeof DURATION_UNIT_SECONDS];
  return seconds <= maxSeconds ? { seconds } : { problem: durationMessage(maxSeconds), unitless: false };
}

const NAME = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const AccessKeyInput = z
  .object({
    for: z
      .array(z.string().regex(NAME, 'Credential names are 1-64 lowercase letters, digits, ".", "_" or "-".'))
      .min(1, POLICY_MESSAGES.forEmpty)
      .max(64)
      .transform((list) => [...new Set(list)]),
    uses: UseCount.optional(),
    ttlSeconds: TtlSeconds.optional(),
    methods: PolicyMethods.optional(),
    paths: PolicyPaths.optional(),
    rate: RateText.optional(),
    label: z
      .string()
      .max(100, POLICY_MESSAGES.label)
      .refine((label) => !hasControlChar(label), POLICY_MESSAGES.label)
      .optional(),
    /** Revoked when the control connection that created it closes, however the caller ends (`tkw exec`, even on SIGKILL). */
    whileConnected: z.boolean().optional(),
  })
  .strict();
export type AccessKeyInput = z.input<typeof AccessKeyInput>;
export type AccessKeyInputParsed = z.output<typeof AccessKeyInput>;

/** Comma- or space-separated text from a flag or a form field -> a clean list (empty entries dropped). */
export function splitList(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items;
}

export interface PolicyFields {
  methods?: string | undefined;
  paths?: string | undefined;
  rate?: string | undefined;
  concurrency?: string | undefined;
  maxUses?: string | undefined;
}

export type PolicyFieldErrors = Partial<Record<keyof PolicyFields, string>>;

/**
 * Text fields (CLI flags or form inputs) -> a Policy, or one message per bad field. Empty text means "no limit".
 * The CLI prints the first message with its flag; the UI shows each under its field.
 */
export function policyFromFields(fields: PolicyFields): { policy: Policy; errors: PolicyFieldErrors } {
  const errors: PolicyFieldErrors = {};
  const policy: Policy = {};
  const methods = splitList(fields.methods);
  if (methods && methods.length > 0) {
    const r = PolicyMethods.safeParse(methods);
    if (r.success) policy.methods = r.data;
    else errors.methods = methodsProblem(methods, r.error.issues[0]?.message);
  }
  const paths = fields.paths === undefined ? undefined : fields.paths.split(',').map((s) => s.trim()).filter(Boolean);
  if (paths && paths.length > 0) {
    const r = PolicyPaths.safeParse(paths);
    if (r.success) policy.paths = r.data;
    else errors.paths = r.error.issues[0]?.message ?? POLICY_MESSAGES.paths;
  }
  if (fields.rate !== undefined && fields.rate.trim() !== '') {
    const r = RateText.safeParse(fields.rate);
    if (r.success) policy.rate = r.data;
    else errors.rate = r.error.issues[0]?.message ?? POLICY_MESSAGES.rate;
  }
  const whole = (text: string | undefined, schema: typeof Concurrency, key: 'concurrency' | 'maxUses', message: string): void => {
    if (text === undefined || text.trim() === '') return;
    const n = /^\s*-?\d+\s*$/.test(text) ? Number(text) : Number.NaN;
    const r = schema.safeParse(n);
    if (r.success) policy[key] = r.data;
    else errors[key] = message;
  };
  whole(fields.concurrency, Concurrency, 'concurrency', POLICY_MESSAGES.concurrency);
  whole(fields.maxUses, UseCount, 'maxUses', POLICY_MESSAGES.maxUses);
  return { policy, errors };
}

/** The form's and the flag's message names the verbs it refuses: they are the user's own typing, letters only. */
function methodsProblem(methods: string[], message: string | undefined): string {
  if (message !== POLICY_MESSAGES.methodsUnknown) return message ?? POLICY_MESSAGES.methods;
  const unknown = unique(methods.map((m) => m.toUpperCase()).filter((m) => METHOD.test(m) && !KNOWN_METHODS.has(m)));
  return `Unknown method${unknown.length === 1 ? '' : 's'} ${unknown.join(', ')}. ${POLICY_MESSAGES.methodsUnknown}`;
}

/** True when the policy restricts nothing (stored as "no policy"). */
export function isEmptyPolicy(policy: Policy | undefined | null): boolean {
  return !policy || Object.values(policy).every((v) => v === undefined);
}

/**
 * An access key's Expires cell in `tkw key list` and the Access keys view, one wording for both: "in 15m" or
 * "expired 3h ago", "with its command" for a `tkw exec` key bound to its connection, or "never".
 */
export function keyExpiresText(key: { expiresAt: string | null; whileConnected?: true }, now: number): string {
  if (key.expiresAt) return expiryText(key.expiresAt, now);
  return key.whileConnected ? 'with its command' : 'never';
}

/** One line for `show` and the UI: `GET,HEAD · /repos/* · 10/s · 2 at once · 1 use`. */
export function describePolicy(policy: Policy | undefined | null): string {
  if (!policy || isEmptyPolicy(policy)) return 'no limits';
  const parts: string[] = [];
  if (policy.methods) parts.push(`methods ${policy.methods.join(',')}`);
  if (policy.paths) parts.push(`paths ${policy.paths.join(',')}`);
  if (policy.rate) parts.push(`rate ${policy.rate}`);
  if (policy.concurrency) parts.push(`${policy.concurrency} at once`);
  if (policy.maxUses) parts.push(`${policy.maxUses} use${policy.maxUses === 1 ? '' : 's'}`);
  return parts.join(' · ');
}
