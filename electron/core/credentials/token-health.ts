/**
 * Token health for pasted JWTs: discovery -> jwks_uri -> jose's createRemoteJWKSet, on demand and
 * cached per issuer. The answer is verified, signature invalid, issuer unreachable or not a JWT; never throws.
 */
import { createHash } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import type { TokenHealth } from '../../../shared/audit-model.ts';
import { isLoopbackHostname } from '../../../shared/origin.ts';

export interface TokenHealthOptions {
  fetch?: typeof fetch;
  now?: () => Date;
  timeoutMs?: number;
  /** How long a result is reused for the same token. */
  ttlMs?: number;
}

const WELL_KNOWN = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

export class TokenHealthChecker {
  readonly #fetch: typeof fetch;
  readonly #now: () => Date;
  readonly #timeoutMs: number;
  readonly #ttlMs: number;
  readonly #jwks = new Map<string, { at: number; keys: JWTVerifyGetKey }>();
  /** By a hash of the token, never the token itself. */
  readonly #results = new Map<string, { at: number; result: Promise<TokenHealth> }>();

  constructor(options: TokenHealthOptions = {}) {
    this.#fetch = options.fetch ?? fetch;
    this.#now = options.now ?? (() => new Date());
    this.#timeoutMs = options.timeoutMs ?? 5_000;
    this.#ttlMs = options.ttlMs ?? 5 * 60_000;
  }

  check(token: string | undefined): Promise<TokenHealth> {
    if (!token) return Promise.resolve(this.#result('not-jwt', null, 'There is no token to check.'));
    const id = createHash('sha256').update(token).digest('base64url');
    const cached = this.#results.get(id);
    if (cached && this.#now().getTime() - cached.at < this.#ttlMs) return cached.result;
    const result = this.#check(token);
    if (this.#results.size > 256) this.#results.clear();
    this.#results.set(id, { at: this.#now().getTime(), result });
    return result;
  }

  async #check(token: string): Promise<TokenHealth> {
    let issuer: string | undefined;
    try {
      const claims = decodeJwt(token);
      issuer = typeof claims.iss === 'string' ? claims.iss : undefined;
    } catch {
      return this.#result('not-jwt', null, 'The token is not a JWT, so only the issuer can check it.');
    }
    if (!issuer) return this.#result('not-jwt', null, 'The JWT names no issuer (iss), so its signature cannot be checked.');
    let keys: JWTVerifyGetKey;
    try {
      keys = await this.#keysFor(issuer);
    } catch (err) {
      return this.#result('unreachable', issuer, `The issuer's keys could not be fetched: ${(err as Error).message}`);
    }
    try {
      await jwtVerify(token, keys, { currentDate: this.#now() });
      return this.#result('verified', issuer, 'The signature matches a key the issuer publishes.');
    } catch (err) {
      // Claims are checked only after the signature, so these errors mean the signature itself was good.
      if (err instanceof errors.JWTExpired || err instanceof errors.JWTClaimValidationFailed) {
        return this.#result('verified', issuer, `The signature matches the issuer's key; ${err.message.toLowerCase()}.`);
      }
      const bad = [errors.JWSSignatureVerificationFailed, errors.JWKSNoMatchingKey, errors.JWSInvalid, errors.JWTInvalid, errors.JOSENotSupported, errors.JOSEAlgNotAllowed];
      if (bad.some((kind) => err instanceof kind)) return this.#result('invalid', issuer, 'The signature does not match any key the issuer publishes.');
      return this.#result('unreachable', issuer, "The issuer's key set could not be fetched.");
    }
  }

  async #keysFor(issuer: string): Promise<JWTVerifyGetKey> {
    const cached = this.#jwks.get(issuer);
    if (cached && this.#now().getTime() - cached.at < this.#ttlMs) return cached.keys;
    const base = new URL(issuer);
    if (base.protocol !== 'https:' && !(base.protocol === 'http:' && isLoopbackHostname(base.hostname))) {
      throw new Error('the issuer is not an https URL');
    }
    let jwksUri: string | undefined;
    let lastError = 'no discovery document';
    for (const suffix of WELL_KNOWN) {
      const url = `${issuer.replace(/\/$/, '')}${suffix}`;
      try {
        const res = await this.#fetch(url, { signal: AbortSignal.timeout(this.#timeoutMs), redirect: 'error' });
        if (!res.ok) {
          lastError = `HTTP ${res.status} from ${suffix}`;
          continue;
        }
        const meta = (await res.json()) as { jwks_uri?: unknown };
        if (typeof meta.jwks_uri === 'string') {
          jwksUri = meta.jwks_uri;
          break;
        }
        lastError = 'the discovery document has no jwks_uri';
      } catch (err) {
        lastError = (err as Error).name === 'TimeoutError' ? 'timed out' : 'connection failed';
      }
    }
    if (!jwksUri) throw new Error(lastError);
    const keys = createRemoteJWKSet(new URL(jwksUri), { timeoutDuration: this.#timeoutMs });
    this.#jwks.set(issuer, { at: this.#now().getTime(), keys });
    return keys;
  }

  #result(signature: TokenHealth['signature'], issuer: string | null, detail: string): TokenHealth {
    return { signature, issuer, detail, checkedAt: this.#now().toISOString() };
  }
}
