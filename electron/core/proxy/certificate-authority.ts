/** Keeps the per-install CA (P11) in step with the bound hosts and caches one TLS context per host; x509 work loads on first use. */
import { createSecureContext, type SecureContext } from 'node:tls';
import { TokenwardenError } from '../base/errors.ts';
import type { ProxyBackend } from './backend.ts';
import type { LeafKeys, LoadedCa } from './ca.ts';

/** The certificate code (ca.ts with @peculiar/x509) is loaded the first time a CA is needed, never at start-up. */
const certificates = () => import('./ca.ts');

/** Lower-case, bracket-free, sorted and unique: the form the CA's constraints and comparisons use. */
export function canonicalHostnames(hostnames: readonly string[]): string[] {
  const set = new Set<string>();
  for (const h of hostnames) {
    const name = h.replace(/^\[|\]$/g, '').toLowerCase();
    if (name) set.add(name);
  }
  return [...set].sort();
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Keeps the CA in step with the bound hosts and caches one TLS context per host. */
export class CertificateAuthority {
  readonly #backend: ProxyBackend;
  readonly #now: () => Date;
  #current: Promise<LoadedCa> | undefined;
  #hostnames: string[] | undefined;
  #leafKeys: Promise<LeafKeys> | undefined;
  #contexts = new Map<string, Promise<SecureContext>>();
  /** Bumped by forget(), so work started before a lock cannot put key material back afterwards. */
  #generation = 0;

  constructor(backend: ProxyBackend, now: () => Date = () => new Date()) {
    this.#backend = backend;
    this.#now = now;
  }

  /** The CA for the current bound set; regenerates (and persists) it when the set changed. Throws ERR_LOCKED when locked. */
  current(): Promise<LoadedCa> {
    const wanted = canonicalHostnames(this.#backend.boundHostnames());
    if (this.#current && this.#hostnames && sameList(wanted, this.#hostnames)) return this.#current;
    this.#hostnames = wanted;
    this.#contexts = new Map();
    const next = this.#resolve(wanted);
    this.#current = next;
    // A failed generation must not stick: the next call tries again.
    next.catch(() => {
      if (this.#current === next) this.#current = undefined;
    });
    return next;
  }

  async #resolve(wanted: string[]): Promise<LoadedCa> {
    const { generateCa, loadCa } = await certificates();
    const stored = this.#backend.loadCa();
    if (stored && sameList(canonicalHostnames(stored.hostnames), wanted)) {
      const loaded = await loadCa(stored);
      return { material: stored, ...loaded };
    }
    const material = await generateCa(wanted, this.#now());
    await this.#backend.saveCa(material);
    return { material, ...(await loadCa(material)) };
  }

  /** S6: on lock, drops the CA key and certificate, the leaf key and every TLS context; the next use reloads from the backend. */
  forget(): void {
    this.#generation++;
    this.#current = undefined;
    this.#hostnames = undefined;
    this.#leafKeys = undefined;
    this.#contexts = new Map();
  }

  /** Whether any key material is held in memory (S6 tests and diagnostics). */
  holdsSecrets(): boolean {
    return this.#current !== undefined || this.#leafKeys !== undefined || this.#contexts.size > 0;
  }

  #assertGeneration(generation: number): void {
    if (generation !== this.#generation) throw new TokenwardenError('ERR_LOCKED');
  }

  async caPem(): Promise<string> {
    return (await this.current()).material.certPem;
  }

  /** The TLS context presenting a CA-signed leaf for `hostname`; minted once per CA generation. */
  async secureContext(hostname: string): Promise<SecureContext> {
    const generation = this.#generation;
    const ca = await this.current();
    this.#assertGeneration(generation);
    const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
    // P11: the name constraints would also let a leaf for any subdomain of a bound name verify (RFC 5280
    // §4.2.1.10), so the CA itself only ever signs exactly bound names.
    if (!ca.material.hostnames.includes(host)) {
      throw new TokenwardenError('ERR_HOST_NOT_BOUND', `No credential is bound to ${host.slice(0, 253)}; Tokenwarden mints certificates only for exactly bound hosts.`);
    }
    let context = this.#contexts.get(host);
    if (!context) {
      const contexts = this.#contexts;
      context = this.#mint(ca, host);
      contexts.set(host, context);
      context.catch(() => contexts.delete(host));
    }
    return context;
  }

  async #mint(ca: LoadedCa, host: string): Promise<SecureContext> {
    const generation = this.#generation;
    const leafKeys = await this.#leafKeyPair();
    const { mintLeaf } = await certificates();
    const certPem = await mintLeaf(ca, host, leafKeys.publicKey, this.#now());
    this.#assertGeneration(generation);
    return createSecureContext({ key: leafKeys.keyPem, cert: certPem, minVersion: 'TLSv1.2' });
  }

  /** One leaf key per process, as mitmproxy does: minting a leaf is then one signature. */
  #leafKeyPair(): Promise<LeafKeys> {
    if (this.#backend.isLocked()) return Promise.reject(new TokenwardenError('ERR_LOCKED'));
    this.#leafKeys ??= certificates().then(({ newLeafKeys }) => newLeafKeys());
    return this.#leafKeys;
  }
}
