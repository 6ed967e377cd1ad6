/** Which credentials cannot refresh themselves and expire soon: the input of the `expiring-soon` alert. */
import type { CredentialRecord } from '../credentials/credential-record.ts';

export const EXPIRING_SOON_MS = 10 * 60_000;

/** Static tokens never refresh; OAuth tokens without a refresh token refresh only by client credentials. Exec re-runs. */
export function canRefreshItself(record: CredentialRecord): boolean {
  if (record.kind === 'static') return false;
  if (record.kind === 'exec') return true;
  return Boolean(record.tokens?.refreshToken) || record.oauth?.grant === 'client-credentials';
}

/** `[name, expiresAt]` for every active token that cannot refresh itself and expires within 10 minutes. */
export function expiringSoon(records: CredentialRecord[], now: number): { name: string; expiresAt: string }[] {
  const out: { name: string; expiresAt: string }[] = [];
  for (const record of records) {
    const expiresAt = record.tokens?.expiresAt;
    if (!expiresAt || record.state !== 'active' || canRefreshItself(record)) continue;
    const left = Date.parse(expiresAt) - now;
    if (left > 0 && left <= EXPIRING_SOON_MS) out.push({ name: record.name, expiresAt });
  }
  return out;
}
