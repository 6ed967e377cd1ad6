/**
 * The one API contract. IPC handlers, the preload bridge, the control socket, the in-process API and the
 * renderer test binding are all generated from one method table (`METHODS`), so they cannot drift.
 */
import { z } from 'zod';
import {
  AuthPolicy,
  Grant,
  type AccessKeyCreated,
  type AccessKeySummary,
  KeyslotKind,
  type CopyResult,
  type CredentialDetail,
  type CredentialSummary,
  type IntrospectionView,
  type ProxyInfo,
  type RevokeResult,
  type VaultStatus,
} from './model.ts';
import { isLoopbackHostname, issuerTransportProblem, parseOrigin } from './origin.ts';
import { MESSAGES } from './human-messages.ts';
import { AccessKeyInput, Policy } from './policy.ts';

export { AccessKeyInput };
import {
  AckInput,
  AlertsQuery,
  AuditQuery,
  StatsQuery,
  type AckResult,
  type AlertItem,
  type AuditQueryResult,
  type AuditVerifyResult,
  type StatsReport,
  type TokenHealth,
} from './audit-model.ts';
import type { ErrorPayload } from './errors.ts';

export const NAME_PATTERN = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

export const CredentialName = z
  .string()
  .regex(NAME_PATTERN, MESSAGES.nameRule);

function toOrigin(value: string, ctx: z.RefinementCtx): string {
  const parsed = parseOrigin(value);
  if (!parsed) {
    ctx.addIssue({ code: 'custom', message: MESSAGES.notAnOrigin(value) });
    return z.NEVER;
  }
  return parsed.origin;
}

/** Canonicalises to the exact origin, so `https://API.github.com/` and `https://api.github.com` bind the same. */
export const OriginInput = z.string().transform(toOrigin);

export const Hosts = z.array(OriginInput).min(1, MESSAGES.hostsMissing).max(64);

/**
 * A host as a user gives it (add, update). The router matches exact origins only (P5), so `https://*.example.com`
 * would bind nothing: it is refused here. Stored records keep the looser Hosts, so one saved earlier still refreshes.
 */
export const HostInput = z.string().transform((value, ctx) => {
  if (!value.includes('*')) return toOrigin(value, ctx);
  ctx.addIssue({ code: 'custom', message: MESSAGES.hostWildcard(value) });
  return z.NEVER;
});

export const InputHosts = z.array(HostInput).min(1, MESSAGES.hostsMissing).max(64);

/** A bearer token as pasted: printable, no whitespace, no line breaks. */
export const TokenInput = z
  .string()
  .min(1, MESSAGES.tokenEmpty)
  .max(16384, MESSAGES.tokenTooLong)
  .refine((t) => !/[\r\n]/.test(t), MESSAGES.tokenLineBreak)
  // `*`, not `+`: an empty token is reported once, as empty.
  .refine((t) => /^[\x21-\x7e]*$/.test(t), MESSAGES.tokenNotPrintable);

/**
 * The first check of a private upstream CA, cheap enough for every boundary (the renderer has no X.509
 * parser); the owner then parses each certificate (core/credentials/upstream-ca.ts) before storing it.
 */
export const UpstreamCaPem = z
  .string()
  .max(65536)
  .refine((pem) => /-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----/.test(pem), MESSAGES.caNotPem);

const common = {
  name: CredentialName,
  hosts: InputHosts,
  authPolicy: AuthPolicy.default('reject'),
  allowInsecureLoopback: z.boolean().default(false),
  /** A private CA (PEM) for self-signed or internal upstreams; only this credential's requests trust it. */
  upstreamCa: UpstreamCaPem.optional(),
  /** methods, paths, rate, concurrency and uses; absent = no limits. */
  policy: Policy.optional(),
};

/** P5 at add time: plain http is refused now, not at the first request; loopback needs explicit consent. */
function plainHttpConsent(value: { hosts: string[]; allowInsecureLoopback?: boolean }, ctx: z.RefinementCtx): void {
  value.hosts.forEach((origin, index) => {
    const parsed = parseOrigin(origin);
    if (parsed?.scheme !== 'http') return;
    if (!isLoopbackHostname(parsed.hostname)) ctx.addIssue({ code: 'custom', path: ['hosts', index], message: MESSAGES.plainHttpRemote(parsed.origin) });
    else if (!value.allowInsecureLoopback) ctx.addIssue({ code: 'custom', path: ['hosts', index], message: MESSAGES.plainHttpLoopback(parsed.origin) });
  });
}

/** P5's rule for hosts applied to the issuer at add time, so an http IdP is refused now, not at the first login (O4). */
function issuerConsent(value: { issuer: string; allowInsecureLoopback?: boolean }, ctx: z.RefinementCtx): void {
  const problem = issuerTransportProblem(value.issuer, value.allowInsecureLoopback === true);
  if (problem) ctx.addIssue({ code: 'custom', path: ['issuer'], message: problem });
}

export const AddStaticInput = z
  .object({
    kind: z.literal('static'),
    ...common,
    token: TokenInput,
    expiresIn: z.number().int().positive().max(10 * 365 * 86400).optional(),
  })
  .strict()
  .superRefine(plainHttpConsent);

export const AddExecInput = z
  .object({
    kind: z.literal('exec'),
    ...common,
    command: z.string().min(1, MESSAGES.execEmpty).max(4096),
  })
  .strict()
  .superRefine(plainHttpConsent);

export const AddOAuthInput = z
  .object({
    kind: z.literal('oauth'),
    ...common,
    issuer: z.string().url(MESSAGES.issuerNotUrl),
    clientId: z.string().min(1).max(512),
    clientSecret: z.string().min(1).max(4096).optional(),
    grant: Grant,
    scope: z.string().max(2048).optional(),
    audience: z.string().max(2048).optional(),
    resource: z.string().url().optional(),
    /** Only for grant `refresh-token`: the imported refresh token. */
    refreshToken: TokenInput.optional(),
  })
  .strict()
  .refine((v) => v.grant !== 'refresh-token' || v.refreshToken, {
    message: 'The refresh-token grant needs a refresh token.',
    path: ['refreshToken'],
  })
  .refine((v) => v.grant !== 'client-credentials' || v.clientSecret, {
    message: 'The client-credentials grant needs a client secret.',
    path: ['clientSecret'],
  })
  .superRefine(plainHttpConsent)
  .superRefine(issuerConsent);

// Discriminated by `kind`, so a bad field is reported for its own kind instead of as "Invalid input".
export const AddInput = z.discriminatedUnion('kind', [AddStaticInput, AddExecInput, AddOAuthInput]);
export type AddInput = z.input<typeof AddInput>;
export type AddInputParsed = z.output<typeof AddInput>;

export const UpdatePatch = z
  .object({
    hosts: InputHosts.optional(),
    authPolicy: AuthPolicy.optional(),
    allowInsecureLoopback: z.boolean().optional(),
    command: z.string().min(1).max(4096).optional(),
    scope: z.string().max(2048).optional(),
    /** A new private upstream CA (PEM), or null to trust only the owner's default roots again. */
    upstreamCa: UpstreamCaPem.nullable().optional(),
  })
  .strict();
export type UpdatePatch = z.input<typeof UpdatePatch>;

/** P5 after an update: the merged hosts and consent must pass the same plain-http rule as add. */
export const TransportConsent = z.object({ hosts: z.array(z.string()), allowInsecureLoopback: z.boolean().optional() }).superRefine(plainHttpConsent);

export const RotateInput = z
  .object({
    token: TokenInput.optional(),
    /** Static tokens: the replacement's lifetime in seconds, for opaque tokens that carry no `exp`. */
    expiresIn: z.number().int().positive().max(10 * 365 * 86400).optional(),
  })
  .strict();
export type RotateInput = z.input<typeof RotateInput>;

/** Every call is async; every failure rejects with `{ code, message }` (shared/errors.ts). */
export interface TokenwardenApi {
  list(): Promise<CredentialSummary[]>;
  get(name: string): Promise<CredentialDetail>;
  add(input: AddInput): Promise<CredentialSummary>;
  update(name: string, patch: UpdatePatch): Promise<CredentialSummary>;
  remove(name: string): Promise<void>;
  status(): Promise<VaultStatus>;
  lock(): Promise<VaultStatus>;
  unlock(secret?: string): Promise<VaultStatus>;
  login(name: string): Promise<CredentialSummary>;
  refresh(name: string): Promise<CredentialSummary>;
  rotate(name: string, input?: RotateInput): Promise<CredentialSummary>;
  revoke(name: string): Promise<RevokeResult>;
  introspect(name: string): Promise<IntrospectionView>;
  copyToken(name: string): Promise<CopyResult>;
  copyProxyKey(): Promise<CopyResult>;
  proxyInfo(): Promise<ProxyInfo>;
  caPem(): Promise<string>;
  /** Sets (or with null clears) a credential's access policy. */
  setPolicy(name: string, policy: z.input<typeof Policy> | null): Promise<CredentialSummary>;
  /** Creates a `twk_` access key; the key is in the answer once and never again (SECURITY A5). */
  createAccessKey(input: AccessKeyInput): Promise<AccessKeyCreated>;
  listAccessKeys(): Promise<AccessKeySummary[]>;
  /** Takes effect on the very next proxied request. */
  revokeAccessKey(id: string): Promise<AccessKeySummary>;
  /** Audit, stats and alerts. */
  auditQuery(query?: AuditQuery): Promise<AuditQueryResult>;
  auditVerify(): Promise<AuditVerifyResult>;
  stats(query?: StatsQuery): Promise<StatsReport>;
  alerts(query?: AlertsQuery): Promise<AlertItem[]>;
  ackAlert(input: AckInput): Promise<AckResult>;
  tokenHealth(name: string): Promise<TokenHealth>;
}

/**
 * Secret-returning calls. They exist only on the control socket (CLI `token`, `exec --env-token`,
 * `proxy-env`); the renderer never gets them (SECURITY E5).
 */
export interface ControlOnlyApi {
  token(name: string): Promise<string>;
  proxyKey(): Promise<string>;
  rotateProxyKey(): Promise<ProxyInfo>;
  /** S1: keyslots change only on request (`tkw keyslot add|remove`); a passphrase slot needs the new passphrase. */
  addKeyslot(kind: KeyslotKind, passphrase?: string): Promise<VaultStatus>;
  removeKeyslot(kind: KeyslotKind): Promise<VaultStatus>;
  /** Where the credential's secrets (and the proxy key) occur in `texts`: positions only, for MCP redaction (M1). */
  secretSpans(name: string, texts: string[], options?: SecretSpansOptions): Promise<SecretSpans>;
}

export const SecretSpansOptions = z.object({ openEnd: z.boolean().optional() }).strict();
export type SecretSpansOptions = z.input<typeof SecretSpansOptions>;

/** Per text, flat [start, end) pairs; `longestForm` tells a caller that splits long texts how much to overlap. */
export interface SecretSpans {
  spans: number[][];
  longestForm: number;
}

export type ControlApi = TokenwardenApi & ControlOnlyApi;

const none = z.tuple([]);
/** Access key ids as `tkw key list` prints them. */
export const AccessKeyId = z.string().regex(/^ak_[A-Za-z0-9_-]{6,40}$/, 'That is not an access key id (they look like ak_3Fq9x2Lm0pQe).');
const byName = z.tuple([CredentialName]);

/** A method's entry: its arguments as a tuple schema; `controlOnly` for the calls the window must not name (E5). */
type MethodTable = { [K in keyof TokenwardenApi]: { args: z.ZodType<unknown[], Parameters<TokenwardenApi[K]>>; controlOnly?: never } } & {
  [K in keyof ControlOnlyApi]: { args: z.ZodType<unknown[], Parameters<ControlOnlyApi[K]>>; controlOnly: true };
};

/**
 * Every method, once: its argument schema and whether only the control socket may call it. API_METHODS,
 * CONTROL_ONLY_METHODS, ControlMethod and ARG_SCHEMAS are derived from it; `satisfies MethodTable` ties it to
 * the interfaces both ways, so a method missing here, or here and in neither interface, fails to compile.
 */
const METHODS = {
  list: { args: none },
  get: { args: byName },
  add: { args: z.tuple([AddInput]) },
  update: { args: z.tuple([CredentialName, UpdatePatch]) },
  remove: { args: byName },
  status: { args: none },
  lock: { args: none },
  unlock: { args: z.union([none, z.tuple([z.string().max(4096).optional()])]) },
  login: { args: byName },
  refresh: { args: byName },
  rotate: { args: z.union([byName, z.tuple([CredentialName, RotateInput.optional()])]) },
  revoke: { args: byName },
  introspect: { args: byName },
  copyToken: { args: byName },
  copyProxyKey: { args: none },
  proxyInfo: { args: none },
  caPem: { args: none },
  setPolicy: { args: z.tuple([CredentialName, Policy.nullable()]) },
  createAccessKey: { args: z.tuple([AccessKeyInput]) },
  listAccessKeys: { args: none },
  revokeAccessKey: { args: z.tuple([AccessKeyId]) },
  auditQuery: { args: z.union([none, z.tuple([AuditQuery.optional()])]) },
  auditVerify: { args: none },
  stats: { args: z.union([none, z.tuple([StatsQuery.optional()])]) },
  alerts: { args: z.union([none, z.tuple([AlertsQuery.optional()])]) },
  ackAlert: { args: z.tuple([AckInput]) },
  tokenHealth: { args: byName },
  token: { args: byName, controlOnly: true },
  proxyKey: { args: none, controlOnly: true },
  rotateProxyKey: { args: none, controlOnly: true },
  addKeyslot: { args: z.union([z.tuple([KeyslotKind]), z.tuple([KeyslotKind, z.string().min(1).max(4096).optional()])]), controlOnly: true },
  removeKeyslot: { args: z.tuple([KeyslotKind]), controlOnly: true },
  secretSpans: {
    args: z.union([
      z.tuple([CredentialName, z.array(z.string()).max(512)]),
      z.tuple([CredentialName, z.array(z.string()).max(512), SecretSpansOptions.optional()]),
    ]),
    controlOnly: true,
  },
} as const satisfies MethodTable;

type Methods = typeof METHODS;
export type ControlMethod = keyof Methods;
export type ApiMethod = { [K in ControlMethod]: Methods[K] extends { controlOnly: true } ? never : K }[ControlMethod];
type ControlOnlyMethod = Exclude<ControlMethod, ApiMethod>;

const ALL_METHODS = Object.keys(METHODS) as ControlMethod[];

/** What the window may call, in table order; the preload bridge and main's IPC handlers are built from it. */
export const API_METHODS: readonly ApiMethod[] = ALL_METHODS.filter((m): m is ApiMethod => !('controlOnly' in METHODS[m]));
export const CONTROL_ONLY_METHODS: readonly ControlOnlyMethod[] = ALL_METHODS.filter((m): m is ControlOnlyMethod => 'controlOnly' in METHODS[m]);

/** Argument schemas by method. */
export const ARG_SCHEMAS = Object.fromEntries(ALL_METHODS.map((m) => [m, METHODS[m].args])) as { readonly [K in ControlMethod]: Methods[K]['args'] };

export function isApiMethod(value: unknown): value is ApiMethod {
  return typeof value === 'string' && (API_METHODS as readonly string[]).includes(value);
}

export function isControlMethod(value: unknown): value is ControlMethod {
  return typeof value === 'string' && (ALL_METHODS as readonly string[]).includes(value);
}

/**
 * One call's outcome as the dispatcher reports it to a transport: a failure carries its payload, the stage it
 * failed at (an unknown method, arguments refused by the schema, or the call itself) and the thrown value, which
 * in-process callers rethrow and transports only log by class name (SECURITY S7).
 */
export type CallOutcome = { ok: true; value: unknown } | { ok: false; error: ErrorPayload; stage: 'method' | 'arguments' | 'call'; cause: unknown };

/** What every IPC call resolves to: Electron strips custom fields from thrown errors, so errors travel as values. */
export type IpcEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorPayload };

/** The IPC channel for a method; invoke-only, checked in main. */
export const ipcChannel = (method: ApiMethod): `tw:${ApiMethod}` => `tw:${method}`;
export const EVENT_CHANNEL = 'tw:event';
