/** What an agent may know about a credential: where it works and whether it works. Never a secret or a tail. */
import type { CredentialDetail, CredentialSummary } from '../../shared/model.ts';

export interface CredentialView extends Record<string, unknown> {
  name: string;
  kind: string;
  hosts: string[];
  scopes: string[];
  expires_at: string | null;
  status: string;
  policy: string;
}

/** One line a model can act on; the proxy enforces the policy either way. */
export function policySummary(summary: CredentialSummary): string {
  const auth =
    summary.authPolicy === 'passthrough'
      ? 'a request that carries its own Authorization header is sent as is'
      : summary.authPolicy === 'force'
        ? 'Tokenwarden always sets Authorization'
        : 'requests must not carry an Authorization header';
  const p = summary.policy;
  const rules = [
    p?.methods ? `methods ${p.methods.join(', ')}` : undefined,
    p?.paths ? `paths ${p.paths.join(', ')}` : undefined,
    p?.rate ? `at most ${p.rate}` : undefined,
    p?.concurrency ? `at most ${p.concurrency} in flight` : undefined,
    p?.maxUses ? `${summary.usesLeft ?? p.maxUses} of ${p.maxUses} uses left` : undefined,
  ].filter(Boolean);
  return `${rules.length ? `Only ${rules.join('; ')}` : 'No method, path or rate limits'}; ${auth}.`;
}

export function credentialView(summary: CredentialSummary): CredentialView {
  return {
    name: summary.name,
    kind: summary.kind,
    hosts: [...summary.hosts],
    scopes: [...summary.scopes],
    expires_at: summary.expiresAt,
    status: summary.status,
    policy: policySummary(summary),
  };
}

export function credentialDetailView(detail: CredentialDetail): Record<string, unknown> {
  return {
    ...credentialView(detail),
    usage: `Call http_request with credential "${detail.name}" and a path relative to ${detail.hosts[0] ?? 'its first host'}, or a url on one of its hosts.`,
    audience: detail.audience,
    subject: detail.subject,
    issuer: detail.issuer,
    claims: detail.claims,
    oauth: detail.oauth
      ? { issuer: detail.oauth.issuer, client_id: detail.oauth.clientId, grant: detail.oauth.grant, scope: detail.oauth.scope, audience: detail.oauth.audience }
      : null,
    last_used_at: detail.lastUsedAt,
    last_refresh_at: detail.lastRefreshAt,
    last_error: detail.lastError ? { code: detail.lastError.code, message: detail.lastError.message } : null,
  };
}
