/**
 * The scope an MCP server acts under: exactly the credentials named in `--allow`, through one `twk_` access
 * key minted for this server and revoked when it exits. Against a running owner the key is also bound to this
 * server's control connection, so even a SIGKILL ends it; in-process, its TTL bounds a server that is killed. The key is
 * only ever sent to the loopback proxy, never to the agent, and the proxy refuses anything outside it.
 */
import type { ControlApi } from '../../shared/contract.ts';
import type { AccessKeyCreated } from '../../shared/model.ts';
import { TokenwardenError } from '../core/base/errors.ts';

export interface AccessScope {
  readonly names: readonly string[];
  /** The X-Tokenwarden-Key value for a request with `name`. Minted on first use if start-up could not (locked vault). */
  key(name: string): Promise<string>;
  /** Refuses a name outside the scope before anything leaves this process (the proxy checks again). */
  assertAllowed(name: string): void;
  /** Secrets this process itself holds; they are redacted from every answer like the credential's own. */
  heldSecrets(): string[];
  /** Revokes every key this server minted; safe to call twice. */
  close(): Promise<void>;
}

export function assertInScope(names: readonly string[], name: string): void {
  if (!names.includes(name)) {
    throw new TokenwardenError(
      'ERR_KEY_SCOPE',
      `Credential "${String(name).slice(0, 64)}" is not available through this MCP server. Available: ${names.join(', ')}.`,
    );
  }
}

export interface AccessKeyScopeOptions {
  ttlSeconds: number;
  label: string;
  /** The api is a control connection: the owner revokes the key when it closes (a killed server included). */
  whileConnected?: boolean;
  log: (line: string) => void;
  now?: () => number;
}

/** A key is replaced this long before it expires, so a long agent session never hits ERR_KEY_EXPIRED. */
const RENEW_BEFORE_MS = 60_000;

export class AccessKeyScope implements AccessScope {
  readonly names: readonly string[];
  readonly #api: ControlApi;
  readonly #options: AccessKeyScopeOptions;
  readonly #now: () => number;
  #current: AccessKeyCreated | undefined;
  /** Every key value this process has held: an upstream cannot see them, but they are redacted regardless. */
  readonly #held: string[] = [];
  readonly #minted: string[] = [];
  #pending: Promise<AccessKeyCreated> | undefined;
  #closed = false;

  constructor(api: ControlApi, names: readonly string[], options: AccessKeyScopeOptions) {
    this.#api = api;
    this.names = names;
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  assertAllowed(name: string): void {
    assertInScope(this.names, name);
  }

  heldSecrets(): string[] {
    return [...this.#held];
  }

  async key(name: string): Promise<string> {
    this.assertAllowed(name);
    const current = this.#current;
    const fresh = current && (!current.expiresAt || Date.parse(current.expiresAt) - RENEW_BEFORE_MS > this.#now());
    if (current && fresh && current.for.includes(name)) return current.key;
    return (await this.#mint()).key;
  }

  /** Mints a key for every allowed credential that exists now, then revokes the one it replaces. */
  async #mint(): Promise<AccessKeyCreated> {
    if (this.#closed) throw new TokenwardenError('ERR_CANCELLED', 'The MCP server is stopping.');
    this.#pending ??= (async () => {
      try {
        const existing = new Set((await this.#api.list()).map((s) => s.name));
        const names = this.names.filter((n) => existing.has(n));
        if (names.length === 0) throw new TokenwardenError('ERR_NOT_FOUND', `None of the allowed credentials (${this.names.join(', ')}) exists.`);
        const created = await this.#api.createAccessKey({
          for: names,
          ttlSeconds: this.#options.ttlSeconds,
          label: this.#options.label,
          ...(this.#options.whileConnected ? { whileConnected: true } : {}),
        });
        this.#held.push(created.key);
        this.#minted.push(created.id);
        const previous = this.#current;
        this.#current = created;
        this.#options.log(`access key ${created.id} for ${names.join(', ')} (expires ${created.expiresAt ?? 'never'})`);
        if (previous) {
          this.#minted.splice(this.#minted.indexOf(previous.id), 1);
          await this.#revoke(previous.id);
        }
        return created;
      } finally {
        this.#pending = undefined;
      }
    })();
    return this.#pending;
  }

  /** Start-up: mint now so the key shows in `tkw key list` while the server runs; a locked vault defers it. */
  async prepare(): Promise<void> {
    await this.#mint().catch((err: unknown) => this.#options.log(`no access key yet (${(err as TokenwardenError).code ?? 'error'}); it is made on the first request`));
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#pending?.catch(() => undefined);
    for (const id of this.#minted.splice(0)) await this.#revoke(id);
    this.#current = undefined;
  }

  async #revoke(id: string): Promise<void> {
    try {
      await this.#api.revokeAccessKey(id);
      this.#options.log(`access key ${id} revoked`);
    } catch (err) {
      // Already revoked (or removed with its credential): the goal is met either way.
      const code = (err as TokenwardenError).code;
      if (code !== 'ERR_KEY_REVOKED' && code !== 'ERR_NOT_FOUND') throw err;
    }
  }
}
