/** Revokes a credential's wiped tokens at its IdP and words the outcome for the user (SECURITY O11). */
import type * as client from 'openid-client';
import type { RevokeResult } from '../../../shared/model.ts';
import type { CredentialRecord, TokenSet } from '../credentials/credential-record.ts';
import { TokenwardenError } from '../base/errors.ts';
import { revokeTokens } from '../oauth/revocation.ts';

export interface RevokeRemoteInput {
  record: CredentialRecord;
  /** The tokens the local wipe removed: exactly these are revoked. */
  tokens: TokenSet | undefined;
  configFor: (record: CredentialRecord) => Promise<client.Configuration>;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export async function revokeRemote(input: RevokeRemoteInput): Promise<RevokeResult> {
  const { record, tokens } = input;
  const name = record.name;
  if (record.kind !== 'oauth' || !record.oauth) {
    return { name, outcome: 'unsupported', detail: 'Tokenwarden knows no revocation endpoint for this kind of credential; the token stays valid until it expires or you revoke it where it was issued.' };
  }
  if (!tokens) return { name, outcome: 'confirmed', detail: 'There were no tokens to revoke.' };
  try {
    const config = await input.configFor(record);
    const result = await revokeTokens({ config, refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, now: input.now, sleep: input.sleep });
    return { name, ...result };
  } catch (err) {
    const detail = err instanceof TokenwardenError ? err.message : 'the identity provider could not be reached';
    return { name, outcome: 'not-confirmed', detail: `Revocation not confirmed (${detail}); the tokens may stay valid at the identity provider until they expire.` };
  }
}
