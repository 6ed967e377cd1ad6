/** Search and sort for the token list; pure so it stays fast at 10,000 rows and is easy to reason about. */
import type { CredentialSummary } from '../../../shared/model.ts';

export type SortKey = 'expiry' | 'name' | 'status';

export const SORT_LABELS: Record<SortKey, string> = {
  expiry: 'Expiry (soonest first)',
  name: 'Name',
  status: 'Status (attention first)',
};

const STATUS_ORDER = ['needs-login', 'refresh-failed', 'expired', 'expiring', 'revoked', 'locked', 'valid'];

function expiryValue(s: CredentialSummary): number {
  // No expiry sorts last: it never needs attention for time reasons.
  return s.expiresAt ? Date.parse(s.expiresAt) : Number.POSITIVE_INFINITY;
}

export function matches(s: CredentialSummary, needle: string): boolean {
  if (!needle) return true;
  if (s.name.includes(needle) || s.kind.includes(needle) || s.status.includes(needle)) return true;
  return s.hosts.some((h) => h.toLowerCase().includes(needle)) || s.scopes.some((sc) => sc.toLowerCase().includes(needle));
}

export function filterAndSort(items: CredentialSummary[], query: string, sort: SortKey): CredentialSummary[] {
  const needle = query.trim().toLowerCase();
  const out = needle ? items.filter((s) => matches(s, needle)) : items.slice();
  const byName = (a: CredentialSummary, b: CredentialSummary) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (sort === 'name') out.sort(byName);
  else if (sort === 'status') out.sort((a, b) => STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) || byName(a, b));
  else out.sort((a, b) => expiryValue(a) - expiryValue(b) || byName(a, b));
  return out;
}
