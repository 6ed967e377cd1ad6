/** Validates a credential record before it is sealed: the zod schema plus the rules every stored token must meet. */
import { z } from 'zod';
import { formatIssues } from '../../../shared/issue-messages.ts';
import { TokenwardenError } from '../base/errors.ts';
import { CredentialRecord, type CredentialRecordInput } from '../credentials/credential-record.ts';

/**
 * Looser than the paste rules (TokenInput, checked at the API boundary): tokens here may be IdP-issued, and
 * refusing an unusual rotated refresh token would lose it after the IdP already rotated it (O7). What stays
 * refused is what could split or truncate a header: CR, LF and NUL.
 */
export const StoredToken = z
  .string()
  .min(1, 'The token is empty.')
  .max(65536, 'The token is longer than 64 KiB.')
  .refine((t) => !/[\r\n\0]/.test(t), 'The token contains a line break or NUL.');

export type NewCredential = Omit<CredentialRecordInput, 'id' | 'revision' | 'createdAt' | 'updatedAt'>;

export function validateRecord(candidate: unknown): CredentialRecord {
  const parsed = CredentialRecord.safeParse(candidate);
  if (!parsed.success) throw invalid(parsed.error);
  const tokens = parsed.data.tokens;
  for (const [field, value] of [
    ['tokens.accessToken', tokens?.accessToken],
    ['tokens.refreshToken', tokens?.refreshToken],
    ['tokens.idToken', tokens?.idToken],
  ] as const) {
    if (value === undefined) continue;
    const check = StoredToken.safeParse(value);
    if (!check.success) throw new TokenwardenError('ERR_INVALID_INPUT', `${field}: ${formatIssues(check.error, 1)}`);
  }
  return parsed.data;
}

/** A new record: the vault owns id, revision and timestamps, whatever the input says. */
export function newRecord(input: NewCredential, id: string, now: Date): CredentialRecord {
  const at = now.toISOString();
  return validateRecord({ ...input, id, revision: 0, createdAt: at, updatedAt: at });
}

/** The next revision of `current` from a caller's draft: id and createdAt are kept, revision and updatedAt advance. */
export function nextRevision(current: CredentialRecord, draft: CredentialRecord, now: Date): CredentialRecord {
  return validateRecord({ ...draft, id: current.id, createdAt: current.createdAt, revision: current.revision + 1, updatedAt: now.toISOString() });
}

/** The shared formatter never echoes a value, so no secret can leak through it. */
function invalid(error: z.ZodError): TokenwardenError {
  return new TokenwardenError('ERR_INVALID_INPUT', `The credential is not valid. ${formatIssues(error)}`);
}
