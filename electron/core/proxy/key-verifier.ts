/**
 * P3 with P1: who presented the key. The master key is compared as a SHA-256 digest in constant time, and the
 * digest (never the key) is kept across a lock, so a locked vault still tells a right key (then 423) from a
 * wrong one (401/407): an unauthenticated caller never learns the lock state. `twk_` keys go to access control.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { OWNER, type ProxyCaller } from '../access/access-control.ts';
import type { ProxyBackend } from './backend.ts';
import { ProxyRejection } from './proxy-error.ts';

const digest = (text: string): Buffer => createHash('sha256').update(text, 'latin1').digest();

export class KeyVerifier {
  readonly #backend: ProxyBackend;
  /** The key buffer the digest was made from; dropped on lock (S6). */
  #source: Buffer | undefined;
  #digest: Buffer | undefined;

  constructor(backend: ProxyBackend) {
    this.#backend = backend;
    this.#refresh();
  }

  /** The caller, or undefined for a missing or wrong key. Throws 401 for an expired, used-up or revoked access key. */
  identify(presented: string | undefined): ProxyCaller | undefined {
    if (presented === undefined) return undefined;
    if (this.#backend.access && presented.startsWith('twk_')) return this.#backend.access.identify(presented);
    this.#refresh();
    const expected = this.#digest;
    if (!expected) return undefined;
    // Both sides are 32-byte digests: the comparison takes the same time whatever the presented length.
    return timingSafeEqual(digest(presented), expected) ? OWNER : undefined;
  }

  /** True for the master key or a live access key (kept for callers that only need yes or no). */
  verify(presented: string | undefined): boolean {
    return this.identify(presented) !== undefined;
  }

  #refresh(): void {
    const known = this.#backend.proxyKeyDigest();
    if (known) {
      this.#digest = known;
      return;
    }
    if (this.#backend.isLocked()) return;
    const key = this.#backend.proxyKey();
    if (key === this.#source) return;
    if (key.length < 16) throw new ProxyRejection('ERR_INTERNAL', 'The proxy key is shorter than 128 bits.');
    this.#source = key;
    this.#digest = digest(key.toString('base64url'));
  }

  /** S6: on lock, drops the reference to the key; the digest stays so P1 holds while locked. */
  forget(): void {
    this.#source = undefined;
  }

  /** Whether a copy of (or reference to) the proxy key is held (S6 tests and diagnostics). */
  holdsKey(): boolean {
    return this.#source !== undefined;
  }
}
