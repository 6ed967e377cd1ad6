/** The secret-free model that crosses every boundary: summaries, status, proxy info and events. */
import { z } from 'zod';
import { AuditEntry, TokenHealth } from './audit-model.ts';
import { Policy } from './policy.ts';

export { Policy };

export const CREDENTIAL_KINDS = ['static', 'oauth', 'exec'] as const;
export const CredentialKind = z.enum(CREDENTIAL_KINDS);
export type CredentialKind = z.infer<typeof CredentialKind>;

export const CREDENTIAL_STATUSES = [
  'valid',
  'expiring',
  'expired',
  'needs-login',
  'refresh-failed',
  'revoked',
  'locked',
  'used-up',
] as const;
export const CredentialStatus = z.enum(CREDENTIAL_STATUSES);
export type CredentialStatus = z.infer<typeof CredentialStatus>;

export const AUTH_POLICIES = ['reject', 'passthrough', 'force'] as const;
export const AuthPolicy = z.enum(AUTH_POLICIES);
export type AuthPolicy = z.infer<typeof AuthPolicy>;

export const GRANTS = ['auth-code', 'device', 'client-credentials', 'refresh-token'] as const;
export const Grant = z.enum(GRANTS);
export type Grant = z.infer<typeof Grant>;

const isoDate = z.string().datetime({ offset: true });

/**
 * What a client may know about a credential. It deliberately has no token field:
 * `tokenTail` is at most the last 4 characters (SECURITY S7, E5).
 */
export const CredentialSummary = z
  .object({
    name: z.string(),
    kind: CredentialKind,
    hosts: z.array(z.string()),
    scopes: z.array(z.string()),
    audience: z.array(z.string()),
    subject: z.string().nullable(),
    issuer: z.string().nullable(),
    authPolicy: AuthPolicy,
    allowInsecureLoopback: z.boolean(),
    expiresAt: isoDate.nullable(),
    status: CredentialStatus,
    lastUsedAt: isoDate.nullable(),
    lastRefreshAt: isoDate.nullable(),
    createdAt: isoDate,
    updatedAt: isoDate,
    tokenTail: z.string().max(4).nullable(),
    /** The access policy; absent when the credential has none. */
    policy: Policy.optional(),
    /** Uses left under `policy.maxUses`; null when uses are unlimited. */
    usesLeft: z.number().int().nonnegative().nullable().optional(),
  })
  .strict();
export type CredentialSummary = z.infer<typeof CredentialSummary>;

/** The OAuth client configuration without its secret. */
export const OAuthPublicConfig = z
  .object({
    issuer: z.string(),
    clientId: z.string(),
    hasClientSecret: z.boolean(),
    grant: Grant,
    scope: z.string().nullable(),
    audience: z.string().nullable(),
    resource: z.string().nullable(),
    /** Auth-code only: the redirect URI to register at the IdP; logins use it with a free port added (RFC 8252 §7.3). */
    redirectUri: z.string().nullable(),
  })
  .strict();
export type OAuthPublicConfig = z.infer<typeof OAuthPublicConfig>;

export const IntrospectionView = z
  .object({
    active: z.boolean(),
    scope: z.string().nullable(),
    exp: z.number().nullable(),
    clientId: z.string().nullable(),
    checkedAt: isoDate,
  })
  .strict();
export type IntrospectionView = z.infer<typeof IntrospectionView>;

/**
 * One certificate of a credential's private upstream CA, named the way a person can check it against the
 * file they meant (`openssl x509 -noout -subject -fingerprint -sha256`). A CA certificate is public; the
 * PEM itself stays in the owner.
 */
export const UpstreamCaCertificate = z
  .object({
    /** The subject's CN (else the whole subject), invisible characters spelled out, at most 64 characters. */
    subject: z.string(),
    /** SHA-256 fingerprint, `AB:CD:…`, as `tkw status` shows the proxy CA's. */
    fingerprint: z.string(),
  })
  .strict();
export type UpstreamCaCertificate = z.infer<typeof UpstreamCaCertificate>;

/** `show NAME`: the summary plus decoded JWT claims (display only) and the public OAuth config. */
export const CredentialDetail = CredentialSummary.extend({
  claims: z.record(z.string(), z.unknown()).nullable(),
  header: z.record(z.string(), z.unknown()).nullable(),
  oauth: OAuthPublicConfig.nullable(),
  exec: z.object({ command: z.string() }).strict().nullable(),
  /** The private CA its https upstreams are verified against (`--upstream-ca`), one entry per certificate; null = default roots. */
  upstreamCa: z.array(UpstreamCaCertificate).nullable(),
  revision: z.number().int(),
  lastError: z.object({ code: z.string(), message: z.string(), at: isoDate }).strict().nullable(),
}).strict();
export type CredentialDetail = z.infer<typeof CredentialDetail>;

/** `tokenwarden show --json`: the detail plus a live RFC 7662 answer for confidential clients. */
export const ShowOutput = CredentialDetail.extend({ introspection: IntrospectionView.nullable(), health: TokenHealth.optional() }).strict();
export type ShowOutput = z.infer<typeof ShowOutput>;

export const KeyslotKind = z.enum(['passphrase', 'os-keyring', 'safe-storage']);
export type KeyslotKind = z.infer<typeof KeyslotKind>;

export const VaultStatus = z
  .object({
    locked: z.boolean(),
    keyslots: z.array(KeyslotKind),
    dataDir: z.string(),
    vaultPath: z.string(),
    ownerPid: z.number().int().nullable(),
    proxy: z.object({ url: z.string(), port: z.number().int() }).strict().nullable(),
    credentialCount: z.number().int().nullable(),
    warnings: z.array(z.string()),
    /** Open (unacknowledged) alerts, where the audit monitor runs. */
    openAlerts: z.number().int().optional(),
    /** SHA-256 fingerprint of the proxy CA (`tkw status`), so a user can match what Postman or the OS trust store imported. */
    caFingerprint: z.string().nullable().optional(),
    /**
     * The owner's memory, where a proxy runs (a long-lived daemon or app): resident set, and the V8 heap in use
     * and reserved. The soak bench reads it to tell a leak (heapUsed climbing) from the allocator keeping pages.
     */
    memory: z.object({ rssBytes: z.number().int(), heapUsedBytes: z.number().int(), heapTotalBytes: z.number().int() }).strict().optional(),
  })
  .strict();
export type VaultStatus = z.infer<typeof VaultStatus>;

export const ProxyInfo = z
  .object({
    running: z.boolean(),
    url: z.string().nullable(),
    port: z.number().int().nullable(),
    strict: z.boolean(),
    caPath: z.string().nullable(),
    keyTail: z.string().max(4).nullable(),
  })
  .strict();
export type ProxyInfo = z.infer<typeof ProxyInfo>;

export const RevokeOutcome = z.enum(['confirmed', 'not-confirmed', 'unsupported']);
export type RevokeOutcome = z.infer<typeof RevokeOutcome>;

export const RevokeResult = z
  .object({
    name: z.string(),
    outcome: RevokeOutcome,
    /** Human explanation, e.g. why revocation was not confirmed. Tokens were wiped locally in every case. */
    detail: z.string(),
  })
  .strict();
export type RevokeResult = z.infer<typeof RevokeResult>;

export const CopyResult = z.object({ clearAfterMs: z.number().int() }).strict();
export type CopyResult = z.infer<typeof CopyResult>;

export const LoginPrompt = z
  .object({
    name: z.string(),
    userCode: z.string(),
    verificationUri: z.string(),
    verificationUriComplete: z.string().nullable(),
    expiresAt: isoDate,
  })
  .strict();
export type LoginPrompt = z.infer<typeof LoginPrompt>;

export const ACCESS_KEY_STATUSES = ['active', 'expired', 'used-up', 'revoked'] as const;
export const AccessKeyStatus = z.enum(ACCESS_KEY_STATUSES);
export type AccessKeyStatus = z.infer<typeof AccessKeyStatus>;

/** An access key as listed: metadata only. The key itself is shown once, in AccessKeyCreated, and never stored. */
export const AccessKeySummary = z
  .object({
    id: z.string(),
    label: z.string().nullable(),
    for: z.array(z.string()),
    expiresAt: isoDate.nullable(),
    usesLeft: z.number().int().nonnegative().nullable(),
    createdAt: isoDate,
    revokedAt: isoDate.nullable(),
    status: AccessKeyStatus,
    policy: Policy.optional(),
    /** Lives only while the command that created it is connected (`tkw exec`). */
    whileConnected: z.literal(true).optional(),
  })
  .strict();
export type AccessKeySummary = z.infer<typeof AccessKeySummary>;

/** What `createAccessKey` returns, once: the summary plus the `twk_` key (SECURITY A5). */
export type AccessKeyCreated = AccessKeySummary & { key: string };

/** The one event stream pushed from the owner to every client (IPC, control socket). */
export const AppEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('changed'), summaries: z.array(CredentialSummary) }).strict(),
  z
    .object({
      type: z.literal('alert'),
      level: z.enum(['info', 'warning', 'error']),
      code: z.string(),
      name: z.string().nullable(),
      message: z.string(),
      /** Rule alerts carry their id, so a client can acknowledge them; `code` is then the alert kind. */
      id: z.string().optional(),
    })
    .strict(),
  /** Audit entries as they are committed, one push per group commit (live Activity view, `tkw audit --follow`). */
  z.object({ type: z.literal('audit'), entries: z.array(AuditEntry) }).strict(),
  z.object({ type: z.literal('login'), prompt: LoginPrompt }).strict(),
  // An auth-code login waits for the browser: the client that started it opens `url` on the user's side unless the owner already did.
  z.object({ type: z.literal('authorize'), name: z.string(), url: z.string(), redirectUri: z.string(), opened: z.boolean() }).strict(),
  z.object({ type: z.literal('locked'), locked: z.boolean() }).strict(),
]);
export type AppEvent = z.infer<typeof AppEvent>;

/** Fields that must never appear on anything in this file; checked by tests at type level and at runtime. */
export const SECRET_FIELD_NAMES = [
  'token',
  'accessToken',
  'access_token',
  'refreshToken',
  'refresh_token',
  'clientSecret',
  'client_secret',
  'idToken',
  'id_token',
  'secret',
  'passphrase',
  'key',
  'proxyKey',
] as const;
