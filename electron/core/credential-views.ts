/** How the owner shows a credential: a record with its live status, uses left and last use, as a secret-free summary or detail. */
import type { CredentialDetail, CredentialSummary } from '../../shared/model.ts';
import type { AccessAdmin } from './access/access-admin.ts';
import type { CredentialRecord } from './credentials/credential-record.ts';
import { toDetail, toSummary } from './credentials/summary.ts';
import { unknownCredential } from './credentials/unknown-credential.ts';
import { TokenwardenError } from './base/errors.ts';
import type { TokenManager } from './lifecycle/token-manager.ts';
import type { UsageTracker } from './usage-tracker.ts';
import type { Vault } from './vault/vault.ts';

interface CredentialViewParts {
  vault: Pick<Vault, 'isLocked' | 'get' | 'list'>;
  manager: Pick<TokenManager, 'statusOf'>;
  admin: Pick<AccessAdmin, 'statusOf' | 'usesLeft'>;
  usage: Pick<UsageTracker, 'lastUsed'>;
}

export class CredentialViews {
  readonly #parts: CredentialViewParts;

  constructor(parts: CredentialViewParts) {
    this.#parts = parts;
  }

  requireUnlocked(): void {
    if (this.#parts.vault.isLocked()) throw new TokenwardenError('ERR_LOCKED', 'The vault is locked. Unlock it with `tkw unlock`.');
  }

  /** The named record of an unlocked vault, or ERR_NOT_FOUND with the closest names. */
  record(name: string): CredentialRecord {
    this.requireUnlocked();
    const record = this.#parts.vault.get(name);
    if (!record) throw unknownCredential(name, this.#parts.vault.list().map((r) => r.name));
    return record;
  }

  view(record: CredentialRecord): CredentialSummary {
    return toSummary(record, this.#status(record), this.#parts.usage.lastUsed(record.name), this.#parts.admin.usesLeft(record));
  }

  detail(record: CredentialRecord): CredentialDetail {
    return toDetail(record, this.#status(record), this.#parts.usage.lastUsed(record.name), this.#parts.admin.usesLeft(record));
  }

  summaries(): CredentialSummary[] {
    this.requireUnlocked();
    return this.#parts.vault.list().map((record) => this.view(record));
  }

  #status(record: CredentialRecord) {
    return this.#parts.admin.statusOf(record, this.#parts.manager.statusOf(record));
  }
}
