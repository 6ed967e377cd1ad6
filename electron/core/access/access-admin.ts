/** The owner-side API for policies and access keys: what setPolicy, createAccessKey, listAccessKeys and revokeAccessKey do. */
import type { AccessKeyCreated, AccessKeySummary, CredentialStatus } from '../../../shared/model.ts';
import { isEmptyPolicy, type AccessKeyInputParsed, type Policy } from '../../../shared/policy.ts';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { unknownCredential } from '../credentials/unknown-credential.ts';
import { TokenwardenError } from '../base/errors.ts';
import { mintKey, toKeySummary } from './access-keys.ts';
import type { AccessStore } from './access-store.ts';

/** The slice of the vault this needs. */
export interface PolicyVault {
  get(name: string): CredentialRecord | undefined;
  list(): CredentialRecord[];
  update(name: string, mutate: (current: CredentialRecord) => CredentialRecord): Promise<CredentialRecord>;
}

export interface AccessAdminOptions {
  vault: PolicyVault;
  store: AccessStore;
  now: () => Date;
  randomBytes?: (n: number) => Buffer;
}

export class AccessAdmin {
  readonly #vault: PolicyVault;
  readonly #store: AccessStore;
  readonly #now: () => Date;
  readonly #random: ((n: number) => Buffer) | undefined;

  constructor(options: AccessAdminOptions) {
    this.#vault = options.vault;
    this.#store = options.store;
    this.#now = options.now;
    this.#random = options.randomBytes;
  }

  /**
   * Replaces the policy (null or an empty policy clears it). Uses already taken stay counted against maxUses, so
   * raising maxUses gives more uses; the count is forgotten only when the policy no longer has maxUses.
   */
  async setPolicy(name: string, policy: Policy | null): Promise<void> {
    const record = this.#vault.get(name);
    if (!record) throw unknownCredential(name, this.#names());
    const next = policy && !isEmptyPolicy(policy) ? policy : undefined;
    await this.#vault.update(name, (r) => {
      const { policy: _old, ...rest } = r;
      return next ? { ...rest, policy: next } : rest;
    });
    if (next?.maxUses === undefined) await this.#store.resetCredentialUses(record.id);
  }

  usesLeft(record: CredentialRecord): number | null {
    const max = record.policy?.maxUses;
    return max === undefined ? null : Math.max(0, max - this.#store.credentialUses(record.id));
  }

  /** `used-up` replaces the lifecycle status once every use is taken. */
  statusOf(record: CredentialRecord, lifecycle: CredentialStatus): CredentialStatus {
    return this.usesLeft(record) === 0 ? 'used-up' : lifecycle;
  }

  #names(): string[] {
    return this.#vault.list().map((r) => r.name);
  }

  async createKey(input: AccessKeyInputParsed): Promise<AccessKeyCreated> {
    for (const name of input.for) {
      if (!this.#vault.get(name)) throw unknownCredential(name, this.#names());
    }
    const now = this.#now();
    const { key, stored } = mintKey(input, now, this.#random);
    await this.#store.add(stored, now.getTime());
    return { ...toKeySummary(stored, now.getTime()), key };
  }

  list(): AccessKeySummary[] {
    const now = this.#now().getTime();
    return this.#store.keys().map((k) => toKeySummary(k, now));
  }

  async revoke(id: string): Promise<AccessKeySummary> {
    const key = this.#store.byId(id);
    if (!key) throw new TokenwardenError('ERR_NOT_FOUND', `No access key has the id ${String(id).slice(0, 48)}; see \`tkw key list\`.`);
    if (key.revokedAt) throw new TokenwardenError('ERR_KEY_REVOKED', `Access key ${key.id} was already revoked at ${key.revokedAt}.`);
    await this.#store.revoke(key, this.#now());
    return toKeySummary(key, this.#now().getTime());
  }

  forgetCredential(name: string, recordId: string | undefined): Promise<void> {
    return this.#store.forgetCredential(name, recordId);
  }
}
