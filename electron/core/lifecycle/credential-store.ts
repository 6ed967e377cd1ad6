/** The store port the lifecycle engine writes through; the vault implements it. */
import type { CredentialRecord } from '../credentials/credential-record.ts';

export interface CredentialStore {
  /** Throws TokenwardenError ERR_LOCKED while the vault is locked. */
  get(name: string): CredentialRecord | undefined;
  /** Persists atomically before resolving, so a rotated refresh token is durable before use (O7). */
  update(name: string, mutate: (record: CredentialRecord) => CredentialRecord): Promise<CredentialRecord>;
  /** Re-reads from disk: another process may have rotated a token (O8). */
  reload(): Promise<void>;
}
