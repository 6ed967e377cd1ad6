/**
 * One keep-alive undici Pool per upstream origin (and per trusted CA set), with full TLS verification and
 * bounded timeouts (P10, P11). The trust roots are the owner's defaults, which include NODE_EXTRA_CA_CERTS,
 * plus any test CAs, plus a credential's own `--upstream-ca`, which no other credential's requests trust.
 */
import { createHash } from 'node:crypto';
import * as tls from 'node:tls';
import type * as UndiciModule from 'undici';
import type { Pool } from 'undici';

type Undici = typeof UndiciModule;

export interface UpstreamOptions {
  /** Headers and idle-body timeout for each upstream request. */
  timeoutMs: number;
  /** Extra CAs trusted for upstream verification (tests with a local https upstream); added to the system roots. */
  trustedCaPems?: string[];
  /** Socket cap per origin. */
  connectionsPerOrigin?: number;
}

/** Node's default store: the bundled roots plus NODE_EXTRA_CA_CERTS (Node >= 22.15 exposes it). */
function defaultRoots(): string[] {
  const get = (tls as { getCACertificates?: (type?: 'default') => string[] }).getCACertificates;
  return get ? get('default') : [...tls.rootCertificates];
}

/**
 * undici is the largest module an owner loads (~1.3 MB bundled, the biggest share of start-up time and idle RSS
 * in `bench:cli`'s module costs), and an owner that nobody sends requests through never needs it. It is loaded on
 * the first proxied request, once; every later request gets its pool synchronously.
 */
let undici: Undici | undefined;
let loading: Promise<Undici> | undefined;

function loadUndici(): Promise<Undici> {
  // Node's ESM loader lists a CommonJS module's named exports; the esbuild bundle hands over only `default`.
  return (loading ??= import('undici').then((loaded) => {
    const m = loaded as unknown as Undici & { default?: Undici };
    return (undici = typeof m.Pool === 'function' ? m : m.default!);
  }));
}

export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  readonly #options: UpstreamOptions;
  readonly #extra: string[];

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#extra = options.trustedCaPems ?? [];
  }

  /** The origin's pool; a promise only until the HTTP client is loaded (the first request after start). */
  pool(origin: string, upstreamCa?: string): Pool | Promise<Pool> {
    if (!undici) return loadUndici().then(() => this.pool(origin, upstreamCa));
    const key = upstreamCa ? `${origin} ${createHash('sha256').update(upstreamCa).digest('hex')}` : origin;
    let pool = this.#pools.get(key);
    if (!pool) {
      const timeout = this.#options.timeoutMs;
      const extra = upstreamCa ? [...this.#extra, upstreamCa] : this.#extra;
      // Without extras the default store applies as is; a `ca` list replaces it, so it must carry the defaults.
      const ca = extra.length > 0 ? [...defaultRoots(), ...extra] : undefined;
      pool = new undici.Pool(origin, {
        connections: this.#options.connectionsPerOrigin ?? 256,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        keepAliveTimeout: 4_000,
        // rejectUnauthorized stays at its default (true): upstream TLS is always verified (P11).
        connect: { timeout: Math.min(timeout, 10_000), ...(ca ? { ca } : {}) },
      });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
