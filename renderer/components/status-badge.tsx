/** The status badge: a word plus a colour, never colour alone. */
import type { CredentialStatus } from '../../shared/model.ts';

const LABELS: Record<CredentialStatus, string> = {
  valid: 'valid',
  expiring: 'expiring',
  expired: 'expired',
  'needs-login': 'needs login',
  'refresh-failed': 'refresh failed',
  revoked: 'revoked',
  locked: 'locked',
  'used-up': 'used up',
};

export function StatusBadge({ status }: { status: CredentialStatus }) {
  return <span className={`badge badge-${status}`}>{LABELS[status]}</span>;
}
