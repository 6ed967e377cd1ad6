/** Record -> secret-free summary/detail: the only way credential data leaves the owner process. */
import type { CredentialDetail, CredentialStatus, CredentialSummary } from '../../../shared/model.ts';
import type { CredentialRecord } from './credential-record.ts';
import { inspectJwt } from './jwt-inspect.ts';
import { registrableRedirectUri } from './redirect-uri.ts';
import { describeUpstreamCa } from './upstream-ca.ts';

/** At most the last 4 characters, and none at all for short tokens where 4 would be most of it (S7). */
export function tokenTail(token: string | undefined): string | null {
  if (!token || token.length < 12) return null;
  return token.slice(-4);
}

export function toSummary(record: CredentialRecord, status: CredentialStatus, lastUsedAt?: string, usesLeft: number | null = null): CredentialSummary {
  const token = record.tokens?.accessToken;
  const jwt = token ? inspectJwt(token) : null;
  const scopes = record.tokens?.scopes.length ? record.tokens.scopes : (jwt?.scopes ?? []);
  return {
    name: record.name,
    kind: record.kind,
    hosts: [...record.hosts],
    scopes: [...scopes],
    audience: jwt?.audience ?? (record.oauth?.audience ? [record.oauth.audience] : []),
    subject: jwt?.subject ?? null,
    issuer: jwt?.issuer ?? record.oauth?.issuer ?? null,
    authPolicy: record.authPolicy,
    allowInsecureLoopback: record.allowInsecureLoopback,
    expiresAt: record.tokens?.expiresAt ?? null,
    status,
    lastUsedAt: lastUsedAt ?? record.lastUsedAt ?? null,
    lastRefreshAt: record.lastRefreshAt ?? null,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    tokenTail: tokenTail(token),
    ...(record.policy ? { policy: record.policy } : {}),
    usesLeft,
  };
}

export function toDetail(record: CredentialRecord, status: CredentialStatus, lastUsedAt?: string, usesLeft: number | null = null): CredentialDetail {
  const token = record.tokens?.accessToken;
  const jwt = token ? inspectJwt(token) : null;
  return {
    ...toSummary(record, status, lastUsedAt, usesLeft),
    claims: jwt?.claims ?? null,
    header: jwt?.header ?? null,
    oauth: record.oauth
      ? {
          issuer: record.oauth.issuer,
          clientId: record.oauth.clientId,
          hasClientSecret: Boolean(record.oauth.clientSecret),
          grant: record.oauth.grant,
          scope: record.oauth.scope ?? null,
          audience: record.oauth.audience ?? null,
          resource: record.oauth.resource ?? null,
          redirectUri: record.oauth.grant === 'auth-code' ? registrableRedirectUri(record.oauth.issuer) : null,
        }
      : null,
    exec: record.exec ? { command: record.exec.command } : null,
    upstreamCa: describeUpstreamCa(record.upstreamCa),
    revision: record.revision,
    lastError: record.lastError ?? null,
  };
}
