/** The per-install proxy key (SECURITY P3): 256 random bits kept encrypted in the vault, cached only while unlocked. */
import { randomBytes } from 'node:crypto';
import { TokenwardenError } from './errors.ts';
import type { Vault } from './vault/vault.ts';

const SECRET_NAME = 'proxy-key';

export class ProxyKey {
  readonly #vault: Vault;
  #cached: Buffer | undefined;

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
    return this.#cached;
  }

  /** Creates the key on first unlock of a new vault. */
  async ensure(): Promise<void> {
    if (!this.#vault.isLocked() && !this.#vault.getSecret(SECRET_NAME)) await this.rotate();
  }

  async rotate(): Promise<void> {
    await this.#vault.setSecret(SECRET_NAME, randomBytes(32).toString('base64url'));
    this.#cached = undefined;
  }

  forget(): void {
    this.#cached = undefined;
  }
}
