/** Honest wording for an RFC 7009 revocation result. */
import type { RevokeOutcome } from '../../../shared/model.ts';

export const OUTCOME_TEXT: Record<RevokeOutcome, string> = {
  confirmed: 'Revocation confirmed: the identity provider accepted the revocation request.',
  'not-confirmed':
    'Revocation NOT confirmed: the provider did not confirm it, so the token may stay valid until it expires. The local copy was deleted.',
  unsupported:
    'Revocation unsupported: this credential has no revocation endpoint, so the token stays valid at the provider until it expires. The local copy was deleted.',
};
