/** What to tell a user whose OAuth credential has no usable grant: "log in", or "log in again" where there was a first time. */
import type { CredentialRecord } from '../credentials/credential-record.ts';

export function loginHint(record: Pick<CredentialRecord, 'name' | 'tokens' | 'lastRefreshAt'>): string {
  const never = !record.tokens && !record.lastRefreshAt;
  return never ? `${record.name} is not logged in yet: run \`tkw login ${record.name}\`` : `${record.name} needs you to log in again: run \`tkw login ${record.name}\``;
}
