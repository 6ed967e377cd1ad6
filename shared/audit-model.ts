/** The secret-free audit, stats and alert model shared by the owner, the CLI and the Activity view. */
import { z } from 'zod';

const isoDate = z.string().datetime({ offset: true });

export const AUDIT_KINDS = ['request', 'event', 'alert'] as const;
export const AuditKind = z.enum(AUDIT_KINDS);
export type AuditKind = z.infer<typeof AuditKind>;

/**
 * The seven rule kinds, plus the two the writer raises about itself: when it must drop entries (L3)
 * and when it finds the newest entries removed while no owner was running (L2).
 */
export const ALERT_KINDS = [
  'unbound-host',
  'upstream-401-storm',
  'refresh-failed',
  'key-misuse',
  'rate-limited',
  'expiring-soon',
  'new-client',
  'audit-write-failed',
  'audit-tampered',
] as const;
export const AlertKind = z.enum(ALERT_KINDS);
export type AlertKind = z.infer<typeof AlertKind>;

export const AlertLevel = z.enum(['info', 'warning', 'error']);
export type AlertLevel = z.infer<typeof AlertLevel>;

/** The process on the other end of a proxy connection, where the OS tells it, or the MCP client name it announced. */
export const AuditClient = z
  .object({
    pid: z.number().int().nullable(),
    exe: z.string().nullable(),
    /** `mcp/<clientName>` from X-Tokenwarden-Client: informative only, never used for authorization. */
    name: z.string().nullable(),
  })
  .strict();
export type AuditClient = z.infer<typeof AuditClient>;

/**
 * One line of the audit log. `path` keeps query parameter names only; no field ever holds a token, key,
 * refresh token, client secret or Authorization value (SECURITY L1). `key` is an access-key id or `master`.
 */
export const AuditEntry = z
  .object({
    seq: z.number().int().positive(),
    ts: isoDate,
    kind: AuditKind,
    credential: z.string().nullable(),
    key: z.string().nullable(),
    mode: z.enum(['gateway', 'forward', 'connect']).nullable(),
    method: z.string().nullable(),
    origin: z.string().nullable(),
    path: z.string().nullable(),
    status: z.number().int().nullable(),
    durationMs: z.number().nullable(),
    bytesIn: z.number().int().nullable(),
    bytesOut: z.number().int().nullable(),
    /** The refusal code when the proxy refused, or an event's error code. */
    code: z.string().nullable(),
    client: AuditClient.nullable(),
    /** Events: add, update, remove, rotate, revoke, refresh, login, lock, unlock, key-create, key-revoke, policy, vault-quarantine, vault-restore, alert-ack… */
    action: z.string().nullable(),
    outcome: z.enum(['ok', 'failed']).nullable(),
    /** A human reason (refresh failures, alert messages); never a secret. */
    detail: z.string().nullable(),
    alert: z.object({ id: z.string(), kind: AlertKind, level: AlertLevel }).strict().nullable(),
  })
  .strict();
export type AuditEntry = z.infer<typeof AuditEntry>;

/** `1h`, `30m`, `2d`, `45s` or an ISO date. */
export const SinceInput = z
  .string()
  .max(64)
  .refine((v) => /^\d{1,6}[smhd]$/.test(v) || !Number.isNaN(Date.parse(v)), 'Use a duration like 1h, 30m or 2d, or an ISO date.');

/** `4xx`, `5xx`, `429`, or a comma list of them. */
export const StatusFilterInput = z
  .string()
  .max(64)
  .regex(/^([1-5]xx|[1-5]\d\d)(,([1-5]xx|[1-5]\d\d))*$/, 'Use a status like 429, a class like 4xx, or a comma list of them.');

export const AuditQuery = z
  .object({
    since: SinceInput.optional(),
    name: z.string().max(128).optional(),
    status: StatusFilterInput.optional(),
    kind: AuditKind.optional(),
    /** The most recent N matching entries; 0 means all. */
    limit: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict();
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditQueryResult = z.object({ entries: z.array(AuditEntry), matched: z.number().int(), scanned: z.number().int() }).strict();
export type AuditQueryResult = z.infer<typeof AuditQueryResult>;

export const AuditVerifyResult = z
  .object({
    intact: z.boolean(),
    entries: z.number().int(),
    /** Where verification stopped: the first changed, removed or reordered entry. */
    problem: z
      .object({ file: z.string(), line: z.number().int(), seq: z.number().int().nullable(), reason: z.enum(['changed', 'removed', 'reordered', 'unreadable', 'missing-start']), message: z.string() })
      .strict()
      .nullable(),
    /** Oldest segments retention deleted, as its limit allows (SECURITY L5): expected, not a problem. */
    dropped: z.object({ from: z.number().int(), to: z.number().int() }).strict().optional(),
  })
  .strict();
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>;

export const StatusClass = z.enum(['1xx', '2xx', '3xx', '4xx', '5xx']);
export type StatusClass = z.infer<typeof StatusClass>;
export type StatusClassCounts = Record<StatusClass, number>;

export const CredentialStats = z
  .object({
    name: z.string(),
    requests: z.number().int(),
    /** Responses by status class; refusals by the proxy count in their own class. */
    classes: z.record(StatusClass, z.number().int()),
    errors: z.number().int(),
    p50Ms: z.number().nullable(),
    p99Ms: z.number().nullable(),
    lastUsedAt: isoDate.nullable(),
  })
  .strict();
export type CredentialStats = z.infer<typeof CredentialStats>;

export const StatsReport = z
  .object({
    since: isoDate,
    until: isoDate,
    bucketMs: z.number().int(),
    credentials: z.array(CredentialStats),
    /** Per-minute request counts per credential, oldest bucket first, aligned with `bucketStarts`. */
    series: z.record(z.string(), z.array(z.number().int())),
    bucketStarts: z.array(z.number()),
    /** Per-minute p50 and p99 latency over all credentials (null for an empty minute). */
    latency: z.object({ p50: z.array(z.number().nullable()), p99: z.array(z.number().nullable()) }).strict(),
    statusMix: z.record(StatusClass, z.number().int()),
    topPaths: z.array(z.object({ credential: z.string(), path: z.string(), count: z.number().int() }).strict()),
  })
  .strict();
export type StatsReport = z.infer<typeof StatsReport>;

export const StatsQuery = z.object({ since: SinceInput.optional() }).strict();
export type StatsQuery = z.input<typeof StatsQuery>;

export const AlertItem = z
  .object({
    id: z.string(),
    kind: AlertKind,
    level: AlertLevel,
    credential: z.string().nullable(),
    message: z.string(),
    firstAt: isoDate,
    lastAt: isoDate,
    /** Repeats folded into this alert while it was open (de-duplication). */
    count: z.number().int(),
    acknowledgedAt: isoDate.nullable(),
  })
  .strict();
export type AlertItem = z.infer<typeof AlertItem>;

export const AlertsQuery = z.object({ all: z.boolean().optional() }).strict();
export type AlertsQuery = z.input<typeof AlertsQuery>;

/** `all: true` acknowledges every open alert; otherwise `id` names one. */
export const AckInput = z.union([z.object({ id: z.string().min(1).max(64) }).strict(), z.object({ all: z.literal(true) }).strict()]);
export type AckInput = z.input<typeof AckInput>;

export const AckResult = z.object({ acknowledged: z.number().int() }).strict();
export type AckResult = z.infer<typeof AckResult>;

/** A pasted JWT's signature checked against its issuer's JWKS. */
export const TokenHealth = z
  .object({
    signature: z.enum(['verified', 'invalid', 'unreachable', 'not-jwt']),
    issuer: z.string().nullable(),
    detail: z.string(),
    checkedAt: isoDate,
  })
  .strict();
export type TokenHealth = z.infer<typeof TokenHealth>;
