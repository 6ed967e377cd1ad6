/** One keep-alive undici Pool per upstream origin, with full TLS verification and bounded timeouts (P10, P11). */
import { rootCertificates } from 'node:tls';
import { Pool } from 'undici';

export interface UpstreamOptions {
  /** Headers and idle-body timeout for each upstream request. */
  timeoutMs: number;
  /** Extra CAs trusted for upstream verification (tests with a local https upstream); added to the system roots. */
  trustedCaPems?: string[];
  /** Socket cap per origin. */
  connectionsPerOrigin?: number;
}

export class Upstreams {
  readonly #pools = new Map<string, Pool>();
  readonly #options: UpstreamOptions;
  readonly #ca: string[] | undefined;

  constructor(options: UpstreamOptions) {
    this.#options = options;
    this.#ca = options.trustedCaPems?.length ? [...rootCertificates, ...options.trustedCaPems] : undefined;
  }

  pool(origin: string): Pool {
    let pool = this.#pools.get(origin);
    if (!pool) {
      const timeout = this.#options.timeoutMs;
      pool = new Pool(origin, {
        connections: this.#options.connectionsPerOrigin ?? 256,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        keepAliveTimeout: 4_000,
        // rejectUnauthorized stays at its default (true): upstream TLS is always verified (P11).
        connect: { timeout: Math.min(timeout, 10_000), ...(this.#ca ? { ca: this.#ca } : {}) },
      });
      this.#pools.set(origin, pool);
    }
    return pool;
  }

  async close(): Promise<void> {
    const pools = [...this.#pools.values()];
    this.#pools.clear();
    await Promise.all(pools.map((p) => p.destroy().catch(() => undefined)));
  }
}
