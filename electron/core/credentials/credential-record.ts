/** The vault's record for one credential: the only place tokens and client secrets live (encrypted at rest). */
import { z } from 'zod';
import { CredentialName, Hosts } from '../../../shared/contract.ts';
import { AuthPolicy, CredentialKind, Grant } from '../../../shared/model.ts';
import { StoredPolicy } from '../../../shared/policy.ts';

const isoDate = z.string().datetime({ offset: true });

export const TokenSet = z
  .object({
    accessToken: z.string().min(1),
    refreshToken: z.string().min(1).optional(),
    idToken: z.string().min(1).optional(),
    tokenType: z.string().default('Bearer'),
    /** Local receipt time + expires_in (SECURITY O6); never the JWT `exp` for OAuth tokens. */
    expiresAt: isoDate.optional(),
    /** When the set was received; with expiresAt it gives the lifetime used for early refresh. */
    receivedAt: isoDate,
    scopes: z.array(z.string()).default([]),
  })
  .strict();
export type TokenSet = z.infer<typeof TokenSet>;

export const OAuthConfig = z
  .object({
    issuer: z.string().url(),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional(),
    grant: Grant,
    scope: z.string().optional(),
    audience: z.string().optional(),
    resource: z.string().url().optional(),
  })
  .strict();
export type OAuthConfig = z.infer<typeof OAuthConfig>;

export const RecordState = z.enum(['active', 'needs-login', 'refresh-failed', 'revoked']);
export type RecordState = z.infer<typeof RecordState>;

export const CredentialRecord = z
  .object({
    /** Stable random id; used as GCM AAD so records cannot be swapped between slots. */
    id: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/),
    name: CredentialName,
    kind: CredentialKind,
    hosts: Hosts,
    authPolicy: AuthPolicy,
    allowInsecureLoopback: z.boolean().default(false),
    /** A private CA (PEM) trusted for this credential's upstreams only. */
    upstreamCa: z.string().max(65536).optional(),
    tokens: TokenSet.optional(),
    oauth: OAuthConfig.optional(),
    exec: z.object({ command: z.string().min(1) }).strict().optional(),
    state: RecordState.default('active'),
    lastError: z.object({ code: z.string(), message: z.string(), at: isoDate }).strict().optional(),
    revision: z.number().int().nonnegative(),
    createdAt: isoDate,
    updatedAt: isoDate,
    lastUsedAt: isoDate.optional(),
    lastRefreshAt: isoDate.optional(),
    /** methods, paths, rate, concurrency and maxUses; use counts live in the access state. */
    // Stored, not input: a verb an older version accepted must not stop this record from saving a refresh.
    policy: StoredPolicy.optional(),
  })
  .strict();
export type CredentialRecord = z.infer<typeof CredentialRecord>;
export type CredentialRecordInput = z.input<typeof CredentialRecord>;
