/**
 * Access policies and access-key input: the schemas and the human messages shared by the CLI, the desktop
 * form and the owner, so every face explains a bad value the same way (issue 11).
 */
import { z } from 'zod';

/** One sentence per rule; the CLI prints them after the flag name, the UI under the field. */
export const POLICY_MESSAGES = {
  methods: 'Methods are HTTP verbs separated by commas, like GET,HEAD.',
  methodsEmpty: 'List at least one method, or leave methods empty to allow all.',
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

export const PolicyMethods = z
  .array(z.string().regex(METHOD, POLICY_MESSAGES.methods).transform((m) => m.toUpperCase()))
  .min(1, POLICY_MESSAGES.methodsEmpty)
  .max(32, POLICY_MESSAGES.methods)
  .transform((list) => [...new Set(list)]);

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

/** A credential's policy. Absent fields allow everything; an empty object is no policy at all. */
export const Policy = z
  .object({
    methods: PolicyMethods.optional(),
    paths: PolicyPaths.optional(),
    rate: RateText.optional(),
    concurrency: Concurrency.optional(),
    maxUses: UseCount.optional(),
  })
  .strict();
export type Policy = z.output<typeof Policy>;
export type PolicyInput = z.input<typeof Policy>;

export const TtlSeconds = z.number({ error: POLICY_MESSAGES.ttl }).int(POLICY_MESSAGES.ttl).min(1, POLICY_MESSAGES.ttl).max(MAX_TTL_SECONDS, POLICY_MESSAGES.ttl);

/** `90s`, `10m`, `2h`, `7d` or plain seconds -> seconds; undefined when the text is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d{1,9})\s*(s|m|h|d)?\s*$/i.exec(String(text));
  if (!match) return undefined;
  const factor = { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? 's').toLowerCase() as 's' | 'm' | 'h' | 'd'];
  const seconds = Number(match[1]) * factor;
  return seconds >= 1 && seconds <= MAX_TTL_SECONDS ? seconds : undefined;
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
    else errors.methods = r.error.issues[0]?.message ?? POLICY_MESSAGES.methods;
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

/** True when the policy restricts nothing (stored as "no policy"). */
export function isEmptyPolicy(policy: Policy | undefined | null): boolean {
  return !policy || Object.values(policy).every((v) => v === undefined);
}

/**
 * An access key's Expires cell in `tkw key list` and the Access keys view: when it expires (in the face's own
 * relative wording), "with its command" for a `tkw exec` key bound to its connection, or "never".
 */
export function keyExpiresText(key: { expiresAt: string | null; whileConnected?: true }, when: (expiresAt: string) => string): string {
  if (key.expiresAt) return when(key.expiresAt);
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
