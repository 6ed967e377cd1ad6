/** ID token verification with jose and a cached remote JWKS (SECURITY O5); access tokens stay opaque. */
import { createRemoteJWKSet, customFetch, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { TokenwardenError } from '../base/errors.ts';

/** Asymmetric algorithms only: HS256 with a public key as secret and `none` can never pass. */
export const ID_TOKEN_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

export interface IdTokenExpectations {
  issuer: string;
  clientId: string;
  jwksUri: string;
  /** From the metadata; intersected with ID_TOKEN_ALGORITHMS. */
  supportedAlgorithms?: string[];
  nonce?: string;
  /** Seconds since epoch, so tests can freeze time. */
  currentDate?: Date;
}

export class IdTokenVerifier {
  readonly #fetch: typeof fetch | undefined;
  readonly #jwks = new Map<string, JWTVerifyGetKey>();

  constructor(options: { fetch?: typeof fetch } = {}) {
    this.#fetch = options.fetch;
  }

  async verify(idToken: string, expected: IdTokenExpectations): Promise<JWTPayload> {
    const algorithms = ID_TOKEN_ALGORITHMS.filter((alg) => !expected.supportedAlgorithms || expected.supportedAlgorithms.includes(alg));
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(idToken, this.#keySet(expected.jwksUri), {
        algorithms: [...algorithms],
        issuer: expected.issuer,
        audience: expected.clientId,
        clockTolerance: 60,
        requiredClaims: ['iss', 'sub', 'aud', 'exp', 'iat'],
        ...(expected.currentDate ? { currentDate: expected.currentDate } : {}),
      }));
    } catch (err) {
      const code = (err as { code?: string }).code ?? 'ERR_JWT_INVALID';
      throw new TokenwardenError('ERR_IDP', `The ID token was rejected (${code}).`, { cause: err });
    }
    if (expected.nonce !== undefined && payload.nonce !== expected.nonce) {
      throw new TokenwardenError('ERR_IDP', 'The ID token was rejected (nonce mismatch).');
    }
    return payload;
  }

  #keySet(uri: string): JWTVerifyGetKey {
    let set = this.#jwks.get(uri);
    if (!set) {
      set = createRemoteJWKSet(new URL(uri), {
        timeoutDuration: 5_000,
        cooldownDuration: 30_000,
        cacheMaxAge: 10 * 60_000,
        ...(this.#fetch ? { [customFetch]: this.#fetch } : {}),
      });
      this.#jwks.set(uri, set);
    }
    return set;
  }
}
