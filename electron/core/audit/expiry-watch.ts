/** Which credentials cannot refresh themselves and expire soon: the input of the `expiring-soon` alert. */
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { STATIC_WARNING_MS as EXPIRING_SOON_MS, canRefreshItself } from '../lifecycle/refresh-policy.ts';

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
