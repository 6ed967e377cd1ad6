/** The token lifecycle engine: ensureFresh with skew, single-flight, rotation-safe persistence and backoff. */
import type { AppEvent, CredentialStatus, IntrospectionView, RevokeResult } from '../../../shared/model.ts';
import type { CredentialRecord, TokenSet } from '../credentials/credential-record.ts';
import { staticTokenSet } from '../credentials/static-token-set.ts';
import { withoutRecordSecrets } from '../redaction/credential-secret-spans.ts';
import { TokenwardenError } from '../base/errors.ts';
import { OAuthDiscovery } from '../oauth/discovery.ts';
import { runExecSource } from '../oauth/exec-source.ts';
import { IdTokenVerifier } from '../oauth/id-token.ts';
import { introspectToken } from '../oauth/introspection.ts';
import { classifyOAuthError, toIdpError } from '../oauth/oauth-errors.ts';
import { revokeTokens } from '../oauth/revocation.ts';
import { tokenSetFrom, type TokenResponseLike } from '../oauth/token-set.ts';
import { Backoff } from './backoff.ts';
import type { CredentialStore } from './credential-store.ts';
import { GrantRunner } from './grants.ts';
import { loginHint } from './login-hint.ts';
import { FORCED_REFRESH_WINDOW_MS, isExpired, isRefreshDue, statusOf, type EnsureFreshOptions } from './refresh-policy.ts';
import { revokeRemote } from './revoke-remote.ts';
import { RefreshScheduler } from './refresh-scheduler.ts';
import { SingleFlight } from './single-flight.ts';

type Timers = { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };

export interface TokenManagerOptions {
  store: CredentialStore;
  now?: () => number;
  random?: () => number;
  timers?: Timers;
  fetch?: typeof fetch;
  openBrowser?: (url: string) => Promise<void>;
  onEvent?: (event: AppEvent) => void;
  /** A refresh succeeded (audit trail); failures arrive as alert events. */
  onRefreshed?: (name: string) => void;
  allowInsecureLoopbackIssuer?: (issuer: string) => boolean;
  /** Exec credentials' command timeout. */
  execTimeoutMs?: number;
  /** Connect + total limit for each IdP request (R5); default 10 s. */
  idpTimeoutSeconds?: number;
}

export class TokenManager {
  readonly #store: CredentialStore;
  readonly #now: () => number;
  readonly #timers: Timers;
  readonly #onEvent: (event: AppEvent) => void;
  readonly #onRefreshed: ((name: string) => void) | undefined;
  readonly #flights = new SingleFlight<string>();
  readonly #logins = new SingleFlight<void>();
  readonly #backoff: Backoff;
  readonly #grants: GrantRunner;
  readonly #execTimeoutMs: number;
  readonly #scheduler: RefreshScheduler;
  /** When each credential last let a proxy 401 retry through to the IdP. */
  readonly #retriedAt = new Map<string, number>();

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#now = options.now ?? Date.now;
    this.#timers = options.timers ?? { setTimeout, clearTimeout };
    this.#onEvent = options.onEvent ?? (() => undefined);
    this.#onRefreshed = options.onRefreshed;
    this.#backoff = new Backoff({ random: options.random ?? Math.random });
    this.#execTimeoutMs = options.execTimeoutMs ?? 30_000;
    this.#scheduler = new RefreshScheduler({
      store: this.#store,
      now: this.#now,
      timers: this.#timers,
      blockedUntil: (name, issuer, now) => this.#backoff.blockedUntil(name, issuer, now),
      refresh: (name) => this.ensureFresh(name),
    });
    this.#grants = new GrantRunner({
      discovery: new OAuthDiscovery({ now: this.#now, timeoutSeconds: options.idpTimeoutSeconds ?? 10, ...(options.fetch ? { fetch: options.fetch } : {}) }),
      idTokens: new IdTokenVerifier(options.fetch ? { fetch: options.fetch } : {}),
      now: this.#now,
      timers: this.#timers,
      onEvent: this.#onEvent,
      ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
      ...(options.allowInsecureLoopbackIssuer ? { allowInsecureLoopbackIssuer: options.allowInsecureLoopbackIssuer } : {}),
    });
  }

  /** A usable access token, refreshed first when less than min(60 s, 20%) of its lifetime remains (O6). */
  async ensureFresh(name: string, options: EnsureFreshOptions = {}): Promise<string> {
    const record = this.#require(name);
    const retry = options.reason === 'upstream-401';
    const force = options.force === true && !(retry && this.#now() - (this.#retriedAt.get(name) ?? -Infinity) < FORCED_REFRESH_WINDOW_MS);
    if (force && retry) this.#retriedAt.set(name, this.#now());
    const ready = this.#usable(record, force);
    if (ready !== undefined) return ready;
    // No await before this line: concurrent callers must find the same flight (R3).
    return this.#flights.run(name, () => this.#refresh(name, force, { honourBackoff: retry }));
  }

  /** The IdP may quote what it was sent (a client secret, a refresh token): none of the record's secrets leaves in its text (L1). */
  #scrubbed(record: CredentialRecord, err: TokenwardenError): TokenwardenError {
    const message = withoutRecordSecrets(record, err.message);
    return message === err.message ? err : new TokenwardenError(err.code, message, { cause: err.cause });
  }

  /** Runs the interactive grant; `signal` (Ctrl-C, a closed control connection) cancels it with ERR_CANCELLED. */
  async login(name: string, options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.#logins.run(name, async () => {
      const record = this.#require(name);
      let response: TokenResponseLike;
      try {
        response = await this.#grants.login(record, options);
      } catch (err) {
        if (options.signal?.aborted) throw new TokenwardenError('ERR_CANCELLED', `The login of ${name} was cancelled.`);
        throw this.#scrubbed(record, toIdpError(err, this.#now(), 'Login'));
      }
      const previous = record.oauth?.grant === 'refresh-token' ? record.tokens : undefined;
      await this.#persist(name, tokenSetFrom(response, this.#now(), previous, record.oauth?.scope));
      this.#backoff.succeed(name, record.oauth?.issuer);
    });
  }

  async rotate(name: string, input: { token?: string | undefined; expiresIn?: number | undefined } = {}): Promise<void> {
    const record = this.#require(name);
    if (record.kind === 'static') {
      if (!input.token) throw new TokenwardenError('ERR_INVALID_INPUT', 'Rotating a static token needs the replacement token.');
      // The replacement's own claims, never the old token's: a stale expiry would hide an expired token.
      await this.#persist(name, staticTokenSet(input.token, new Date(this.#now()), input.expiresIn));
      return;
    }
    if (input.expiresIn !== undefined) {
      throw new TokenwardenError('ERR_INVALID_INPUT', `--expires-in is for static tokens; ${name} gets its expiry from ${record.kind === 'exec' ? 'its command' : 'the identity provider'}.`);
    }
    if (record.kind === 'exec') {
      await this.ensureFresh(name, { force: true });
      return;
    }
    const old = record.tokens?.accessToken;
    const sameGrant = Boolean(record.tokens?.refreshToken);
    const fresh = await this.ensureFresh(name, { force: true });
    // RFC 7009 §2.1 lets an IdP revoke the whole grant with one access token (oidc-provider does),
    // which would kill the set just refreshed; only independent tokens (client credentials) are revoked.
    if (!old || old === fresh || sameGrant) return;
    // Best effort: the old token already stopped being injected; the IdP may not support revoking it.
    try {
      const config = await this.#grants.configFor(record);
      await revokeTokens({ config, accessToken: old, now: this.#now, sleep: (ms) => this.#sleep(ms) });
    } catch {
      /* reported by revoke(), not by rotate */
    }
  }

  /** RFC 7009: tokens are wiped locally first, whatever the IdP answers (O11). */
  async revoke(name: string): Promise<RevokeResult> {
    this.unschedule(name);
    // A refresh in flight would otherwise write its (rotated) tokens back after the wipe; its tokens are the ones to revoke.
    await this.#flights.settled(name);
    let tokens: TokenSet | undefined;
    const record = await this.#store.update(name, (r) => {
      const { tokens: dropped, ...rest } = r;
      tokens = dropped;
      return { ...rest, state: 'revoked', updatedAt: new Date(this.#now()).toISOString() };
    });
    return revokeRemote({ record, tokens, configFor: (r) => this.#grants.configFor(r), now: this.#now, sleep: (ms) => this.#sleep(ms) });
  }

  async introspect(name: string): Promise<IntrospectionView> {
    const record = this.#require(name);
    if (record.kind !== 'oauth' || !record.oauth?.clientSecret) {
      throw new TokenwardenError('ERR_NOT_AVAILABLE', 'Introspection needs an OAuth credential with a client secret.');
    }
    const token = record.tokens?.accessToken;
    if (!token) throw new TokenwardenError('ERR_TOKEN_UNAVAILABLE', `${name} has no token to introspect.`);
    const config = await this.#grants.configFor(record);
    if (!config.serverMetadata().introspection_endpoint) {
      throw new TokenwardenError('ERR_NOT_AVAILABLE', 'The identity provider has no introspection endpoint.');
    }
    try {
      return await introspectToken(config, token, this.#now());
    } catch (err) {
      throw this.#scrubbed(record, toIdpError(err, this.#now(), 'Introspection'));
    }
  }

  statusOf(record: CredentialRecord, now: number = this.#now()): CredentialStatus {
    return statusOf(record, now);
  }

  /** Refreshes in the background just before a refresh would be due, so requests seldom wait. */
  schedule(name: string): void {
    this.#scheduler.schedule(name);
  }

  unschedule(name: string): void {
    this.#scheduler.unschedule(name);
  }

  stop(): void {
    this.#scheduler.stop();
  }

  /**
   * Stops the timers and waits for every refresh in flight (ignoring their errors), so a rotated refresh token
   * is persisted before the vault locks (O7, S6). `whenIdle` runs in the same tick, so no refresh can start between.
   */
  async settle(whenIdle?: () => void): Promise<void> {
    this.stop();
    await this.#flights.drain();
    whenIdle?.();
  }

  #require(name: string): CredentialRecord {
    const record = this.#store.get(name);
    if (!record) throw new TokenwardenError('ERR_NOT_FOUND', `No credential named ${name}.`);
    return record;
  }

  /** The stored token when no refresh is needed; throws when the record must not be injected. */
  #usable(record: CredentialRecord, force: boolean): string | undefined {
    if (record.state === 'needs-login') throw new TokenwardenError('ERR_NEEDS_LOGIN', loginHint(record));
    if (record.state === 'revoked') throw new TokenwardenError('ERR_TOKEN_UNAVAILABLE', `${record.name} was revoked; log in or rotate it.`);
    const tokens = record.tokens;
    if (record.kind === 'static') {
      if (!tokens || isExpired(tokens, this.#now())) throw new TokenwardenError('ERR_TOKEN_UNAVAILABLE', `The token of ${record.name} has expired; rotate it.`);
      return tokens.accessToken;
    }
    if (!force && tokens && !isRefreshDue(tokens, this.#now())) return tokens.accessToken;
    return undefined;
  }

  async #refresh(name: string, force: boolean, how: { honourBackoff?: boolean; reloaded?: boolean } = {}): Promise<string> {
    const record = this.#require(name);
    if (!force && record.tokens && !isRefreshDue(record.tokens, this.#now())) return record.tokens.accessToken;
    const issuer = record.oauth?.issuer;
    if (this.#backoff.blockedUntil(name, issuer, this.#now()) > 0 && (!force || how.honourBackoff)) {
      return this.#fallback(record, 'the identity provider is backing off');
    }
    let response: TokenResponseLike;
    try {
      response = record.kind === 'exec' ? await this.#runExec(record) : await this.#grants.refresh(record);
    } catch (err) {
      return this.#onFailure(record, err, force, how);
    }
    const previous = record.kind === 'oauth' ? record.tokens : undefined;
    // Persisted before the token is returned: a crash can never lose a rotated refresh token (O7).
    const tokens = tokenSetFrom(response, this.#now(), previous, record.oauth?.scope);
    await this.#persist(name, tokens, { refreshed: true });
    this.#onRefreshed?.(name);
    this.#backoff.succeed(name, issuer);
    if (this.#scheduler.isWanted(name)) this.schedule(name);
    return tokens.accessToken;
  }

  #runExec(record: CredentialRecord): Promise<TokenResponseLike> {
    if (!record.exec) throw new TokenwardenError('ERR_INVALID_INPUT', `${record.name} has no command.`);
    return runExecSource(record.exec.command, { timeoutMs: this.#execTimeoutMs });
  }

  async #onFailure(record: CredentialRecord, err: unknown, force: boolean, how: { honourBackoff?: boolean; reloaded?: boolean }): Promise<string> {
    const name = record.name;
    const issuer = record.oauth?.issuer;
    if (err instanceof TokenwardenError && err.code === 'ERR_NEEDS_LOGIN') {
      await this.#markNeedsLogin(name, err.message);
      throw err;
    }
    if (err instanceof TokenwardenError && err.code === 'ERR_EXEC_FAILED') {
      this.#backoff.fail(name, undefined, this.#now());
      const message = withoutRecordSecrets(record, err.message);
      await this.#noteError(name, err.code, message);
      if (force) throw message === err.message ? err : new TokenwardenError(err.code, message);
      return this.#fallback(record, message, 'ERR_EXEC_FAILED');
    }
    const failure = classifyOAuthError(err, this.#now());
    if (failure.kind === 'invalid-grant') {
      if (!how.reloaded) {
        // Another process may have rotated the refresh token on disk (O8): read once, never loop.
        const used = record.tokens?.refreshToken;
        await this.#store.reload();
        const fresh = this.#require(name);
        if (fresh.tokens?.refreshToken && fresh.tokens.refreshToken !== used) return this.#refresh(name, force, { ...how, reloaded: true });
      }
      await this.#markNeedsLogin(name, 'The identity provider rejected the refresh token (invalid_grant).');
      throw new TokenwardenError('ERR_NEEDS_LOGIN', `${name} needs you to log in again: the grant is no longer valid.`);
    }
    const wait = this.#backoff.fail(name, issuer, this.#now(), failure.kind === 'transient' ? failure.retryAfterMs : undefined);
    // The IdP chose the description in the detail; one that echoes the client secret or refresh token must not
    // reach lastError, an alert, the audit trail or an agent.
    const detail = withoutRecordSecrets(record, failure.detail);
    await this.#noteError(name, 'ERR_IDP', detail);
    if (failure.kind === 'refused') {
      this.#onEvent({ type: 'alert', level: 'error', code: 'ERR_IDP', name, message: `Refreshing ${name} failed: ${detail}` });
    } else if (record.state !== 'refresh-failed') {
      // Once per outage, not once per retry.
      this.#onEvent({ type: 'alert', level: 'warning', code: 'ERR_IDP', name, message: `Cannot refresh ${name} (${detail}); the current token is used until it expires.` });
    }
    if (force) throw new TokenwardenError('ERR_IDP', `Refreshing ${name} failed: ${detail}; retry in ${Math.ceil(wait / 1000)} s.`);
    return this.#fallback(record, detail);
  }

  /** Serve a still-valid token through an IdP outage; never an expired one (R6). */
  #fallback(record: CredentialRecord, why: string, code: 'ERR_TOKEN_UNAVAILABLE' | 'ERR_EXEC_FAILED' = 'ERR_TOKEN_UNAVAILABLE'): string {
    const tokens = record.tokens;
    if (tokens && !isExpired(tokens, this.#now())) return tokens.accessToken;
    throw new TokenwardenError(code, `No valid token for ${record.name}: ${why}.`);
  }

  /** A refresh never resurrects a credential revoked or marked needs-login while it was in flight (O11). */
  async #persist(name: string, tokens: TokenSet, from: { refreshed?: boolean } = {}): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    await this.#store.update(name, (r) => {
      if (from.refreshed && (r.state === 'revoked' || r.state === 'needs-login')) {
        throw new TokenwardenError('ERR_TOKEN_UNAVAILABLE', `${name} became ${r.state} while it was refreshing; the new tokens were discarded.`);
      }
      const { lastError: _cleared, ...rest } = r;
      return { ...rest, tokens, state: 'active', lastRefreshAt: at, updatedAt: at };
    });
  }

  async #markNeedsLogin(name: string, message: string): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    const record = await this.#store.update(name, (r) => ({ ...r, state: 'needs-login', lastError: { code: 'ERR_NEEDS_LOGIN', message, at }, updatedAt: at }));
    this.unschedule(name);
    this.#onEvent({ type: 'alert', level: 'warning', code: 'ERR_NEEDS_LOGIN', name, message: `${loginHint(record)}.` });
  }

  async #noteError(name: string, code: string, message: string): Promise<void> {
    const at = new Date(this.#now()).toISOString();
    await this.#store.update(name, (r) => ({ ...r, state: 'refresh-failed', lastError: { code, message, at }, updatedAt: at }));
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#timers.setTimeout(resolve, ms);
    });
  }
}
