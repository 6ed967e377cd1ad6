/**
 * AccessControl: who is calling (master key or `twk_` access key) and whether this request may go upstream.
 * The proxy calls `admit` right after routing and before ensureFresh, so a refused request never refreshes and
 * never reaches the upstream (SECURITY A1). Rate and uses are taken in the same tick as the decision (A2).
 */
import { TokenwardenError } from '../base/errors.ts';
import { AccessRefused } from './access-refused.ts';
import { ACCESS_KEY_PREFIX, compiledKeyPolicy, hashKey, usesLeft, type StoredKey } from './access-keys.ts';
import type { AccessStore } from './access-store.ts';
import { ConcurrencyGate } from './concurrency-gate.ts';
import { decide, keyRefusal, keyStatus, missingKeyRefusal, type CredentialView, type KeyView } from './decide.ts';
import { compilePolicy, type CompiledPolicy } from './policy.ts';
import type { Policy } from '../../../shared/policy.ts';
import { TokenBucket } from './token-bucket.ts';

/** Who presented a valid key: the owner (master proxy key) or an access key by id. */
export type ProxyCaller = { kind: 'owner' } | { kind: 'key'; id: string };

export const OWNER: ProxyCaller = Object.freeze({ kind: 'owner' });

export interface AdmitRequest {
  method: string;
  /** Origin-form target (path and query). */
  target: string;
  /** The headers as forwarded upstream, flat; a method rule reads their method-override headers (A8). */
  headers?: readonly string[] | undefined;
  credential: { name: string; policy?: Policy | undefined; id?: string | undefined };
  caller: ProxyCaller;
  /** Aborted when the client leaves: a request still waiting for a concurrency slot then leaves the queue (A1). */
  signal?: AbortSignal | undefined;
}

/** Called once when the request is over (response sent, failed or abandoned) to free its concurrency slot. */
export type Release = () => void;

/** The proxy's port for access control; the service implements it with AccessControl. */
export interface ProxyAccess {
  /** A `twk_` key -> its caller, undefined when unknown; throws a 401 refusal for an expired, used-up or revoked key. Works while locked (P1). */
  identify(presented: string): ProxyCaller | undefined;
  /** CONNECT time: refuses a key that does not cover the credential before any interception. */
  checkScope(caller: ProxyCaller, credentialName: string): void;
  /** decide + take; a release for the concurrency slot, or a rejection. */
  admit(request: AdmitRequest): Release | Promise<Release>;
  /**
   * Whether admitting this caller's request to this credential spent a use (the credential's maxUses or a key's
   * uses): such a request reaches the upstream at most once, so a 401 is never retried (R4, A2).
   */
  spendsUses(caller: ProxyCaller, credential: { policy?: Policy | undefined }): boolean;
}

const NOOP: Release = () => undefined;

interface CredentialState {
  key: string;
  bucket: TokenBucket | undefined;
  gate: ConcurrencyGate | undefined;
}

export interface AccessControlOptions {
  store: AccessStore;
  /** Wall clock (expiry); ms. */
  now?: () => number;
  /** Monotonic clock for token buckets; ms. */
  monotonic?: () => number;
  concurrencyWaitMs?: number;
  /** Told when a credential's last use is taken, so the owner can push its new `used-up` status. */
  onUsedUp?: (credentialName: string) => void;
}

export class AccessControl implements ProxyAccess {
  readonly #store: AccessStore;
  readonly #now: () => number;
  readonly #monotonic: () => number;
  /** How long a request waits for a concurrency slot; benches and tests shorten it before the first request. */
  concurrencyWaitMs: number | undefined;
  readonly #credentials = new Map<string, CredentialState>();
  /** By key id, not by StoredKey: the store replaces its objects on every unlock, which must not reset a rate (A3). */
  readonly #keyBuckets = new Map<string, TokenBucket>();
  readonly #onUsedUp: ((name: string) => void) | undefined;

  constructor(options: AccessControlOptions) {
    this.#store = options.store;
    this.#now = options.now ?? (() => Date.now());
    this.#monotonic = options.monotonic ?? (() => performance.now());
    this.concurrencyWaitMs = options.concurrencyWaitMs;
    this.#onUsedUp = options.onUsedUp;
  }

  identify(presented: string): ProxyCaller | undefined {
    if (!presented.startsWith(ACCESS_KEY_PREFIX)) return undefined;
    const key = this.#store.byHash(hashKey(presented));
    if (!key) return undefined;
    const refused = keyRefusal(this.#keyView(key, 0));
    if (refused) throw new AccessRefused(refused);
    return { kind: 'key', id: key.id };
  }

  checkScope(caller: ProxyCaller, credentialName: string): void {
    if (caller.kind === 'owner') return;
    const key = this.#store.byId(caller.id);
    if (!key) throw new AccessRefused(missingKeyRefusal(caller.id));
    // Scope only: at CONNECT time the key's status is checked by identify, as for every mode.
    const refused = keyRefusal({ id: key.id, for: key.for, status: 'active' }, credentialName);
    if (refused) throw new AccessRefused(refused);
  }

  admit(request: AdmitRequest): Release | Promise<Release> {
    const policy = compilePolicy(request.credential.policy);
    const key = request.caller.kind === 'key' ? this.#store.byId(request.caller.id) : undefined;
    if (!policy && request.caller.kind === 'owner') return NOOP;
    if (request.caller.kind === 'key' && !key) throw new AccessRefused(missingKeyRefusal(request.caller.id));
    const state = this.#state(request.credential.name, policy);
    const keyBucket = key ? this.#keyBucket(key) : undefined;
    const decision = this.#decide(request, policy, state, key, keyBucket, true);
    if (!decision.allow) throw new AccessRefused(decision);
    state?.bucket?.take();
    keyBucket?.take();
    const acquired = state?.gate?.acquire(`Credential "${request.credential.name}"`, request.signal);
    if (acquired === undefined) return this.#takeUses(request, policy, key, NOOP);
    if (typeof acquired === 'function') return this.#takeUses(request, policy, key, acquired);
    return acquired.then((release) => {
      // The wait may have been long: the key may be revoked and the uses gone by now.
      const again = this.#decide(request, policy, state, key, keyBucket, false);
      if (!again.allow) {
        release();
        throw new AccessRefused(again);
      }
      return this.#takeUses(request, policy, key, release);
    }, concurrencyRefusal);
  }

  spendsUses(caller: ProxyCaller, credential: { policy?: Policy | undefined }): boolean {
    if (credential.policy?.maxUses !== undefined) return true;
    if (caller.kind === 'owner') return false;
    // A key gone since admission (revoked meanwhile) counts as limited: no second call for it either.
    const key = this.#store.byId(caller.id);
    return !key || key.maxUses !== null;
  }

  #decide(request: AdmitRequest, policy: CompiledPolicy | undefined, state: CredentialState | undefined, key: StoredKey | undefined, keyBucket: TokenBucket | undefined, withRate: boolean) {
    const view: CredentialView = {
      name: request.credential.name,
      policy,
      usesLeft: policy?.maxUses === undefined ? null : Math.max(0, policy.maxUses - this.#store.credentialUses(useId(request.credential))),
      rateWaitMs: withRate ? (state?.bucket?.waitMs() ?? 0) : 0,
    };
    return decide({ method: request.method, target: request.target, headers: request.headers }, view, key ? this.#keyView(key, withRate ? (keyBucket?.waitMs() ?? 0) : 0) : undefined);
  }

  /** Takes the uses in this tick, then waits for them to be on disk before the request may go upstream. */
  #takeUses(request: AdmitRequest, policy: CompiledPolicy | undefined, key: StoredKey | undefined, release: Release): Release | Promise<Release> {
    const counted = policy?.maxUses !== undefined;
    if (counted) {
      const id = useId(request.credential);
      this.#store.takeCredentialUse(id);
      if (this.#store.credentialUses(id) >= policy.maxUses!) queueMicrotask(() => this.#onUsedUp?.(request.credential.name));
    }
    if (key && key.maxUses !== null) this.#store.takeKeyUse(key);
    if (!counted && (!key || key.maxUses === null)) return release;
    return this.#store.save().then(
      () => release,
      (err: unknown) => {
        release();
        throw err;
      },
    );
  }

  #keyView(key: StoredKey, rateWaitMs: number): KeyView {
    const left = usesLeft(key);
    return {
      id: key.id,
      for: key.for,
      status: keyStatus({ revokedAt: key.revokedAt, usesLeft: left, expiresAt: key.expiresAt }, this.#now()),
      policy: compiledKeyPolicy(key),
      usesLeft: left,
      rateWaitMs,
    };
  }

  /** Buckets and gates outlive route-index rebuilds; they restart only when the rate or concurrency rule changes. */
  #state(name: string, policy: CompiledPolicy | undefined): CredentialState | undefined {
    if (!policy) return undefined;
    const key = policy.stateKey;
    let state = this.#credentials.get(name);
    if (!state || state.key !== key) {
      state = {
        key,
        bucket: policy.rate ? new TokenBucket({ count: policy.rate.count, periodMs: policy.rate.periodMs, clock: this.#monotonic }) : undefined,
        gate: policy.concurrency ? new ConcurrencyGate({ limit: policy.concurrency, ...(this.concurrencyWaitMs !== undefined ? { waitMs: this.concurrencyWaitMs } : {}) }) : undefined,
      };
      this.#credentials.set(name, state);
    }
    return state;
  }

  #keyBucket(key: StoredKey): TokenBucket | undefined {
    const rate = compiledKeyPolicy(key)?.rate;
    if (!rate) return undefined;
    let bucket = this.#keyBuckets.get(key.id);
    if (!bucket) {
      bucket = new TokenBucket({ count: rate.count, periodMs: rate.periodMs, clock: this.#monotonic });
      this.#keyBuckets.set(key.id, bucket);
    }
    return bucket;
  }
}

function useId(credential: { name: string; id?: string | undefined }): string {
  return credential.id ?? `name:${credential.name}`;
}

/** The gate's timeout, as a refusal that names its rule. */
function concurrencyRefusal(err: unknown): never {
  if (err instanceof TokenwardenError && err.code === 'ERR_CONCURRENCY') throw new AccessRefused({ code: err.code, rule: 'concurrency', message: err.message });
  throw err;
}
