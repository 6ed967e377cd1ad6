/** The per-install proxy key (SECURITY P3): 256 random bits kept encrypted in the vault, cached only while unlocked. */
import { createHash, randomBytes } from 'node:crypto';
import { TokenwardenError } from './base/errors.ts';
import type { Vault } from './vault/vault.ts';

const SECRET_NAME = 'proxy-key';

export class ProxyKey {
  readonly #vault: Vault;
  #cached: Buffer | undefined;
  /** SHA-256 of the key as clients present it; kept across lock so the proxy checks keys before the lock (P1). */
  #digest: Buffer | undefined;

  constructor(vault: Vault) {
    this.#vault = vault;
  }

  /** The key as the bytes clients send (base64url text); throws ERR_LOCKED while locked. */
  current(): Buffer {
    if (this.#vault.isLocked()) throw new TokenwardenError('ERR_LOCKED');
    if (this.#cached) return this.#cached;
    const stored = this.#vault.getSecret(SECRET_NAME);
    if (!stored) throw new TokenwardenError('ERR_LOCKED', 'The proxy key is not initialised; unlock the vault.');
    this.#cached = Buffer.from(stored, 'utf8');
    this.#digest = createHash('sha256').update(this.#cached.toString('base64url'), 'latin1').digest();
    return this.#cached;
  }

  /** Not a secret: a digest of a 256-bit random key. Undefined until the vault was unlocked once. */
  digest(): Buffer | undefined {
    return this.#digest;
  }

  /** Creates the key on first unlock of a new vault. */
  async ensure(): Promise<void> {
    if (!this.#vault.isLocked() && !this.#vault.getSecret(SECRET_NAME)) await this.rotate();
    if (!this.#vault.isLocked()) this.current();
  }

  async rotate(): Promise<void> {
    await this.#vault.setSecret(SECRET_NAME, randomBytes(32).toString('base64url'));
    this.#cached = undefined;
    this.current();
  }

  forget(): void {
    this.#cached = undefined;
  }
}
