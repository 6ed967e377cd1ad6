/**
 * The scope an MCP server acts under: exactly the credentials named in `--allow`, through one key that
 * is revoked when the server exits. The key is only ever sent to the loopback proxy, never to the agent.
 */
import type { ControlApi } from '../../shared/contract.ts';
import { TokenwardenError } from '../core/errors.ts';

export interface AccessScope {
  readonly names: readonly string[];
  /** The X-Tokenwarden-Key value. Made on first use, so a vault locked at start-up can be unlocked later. */
  key(): Promise<string>;
  /** Refuses a name outside the scope before anything leaves this process (the proxy checks again). */
  assertAllowed(name: string): void;
  /** Secrets this process itself holds; they are redacted from every answer like the credential's own. */
  heldSecrets(): string[];
  /** Revokes the key; safe to call twice. */
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

/**
 * Interim scope until access keys exist: the name check happens here and the proxy gets the master key.
 * Replaced by `accessKeyScope` once the owner can mint scoped keys.
 */
export function masterKeyScope(api: ControlApi, names: readonly string[]): AccessScope {
  let held: string | undefined;
  return {
    names,
    async key() {
      held = await api.proxyKey();
      return held;
    },
    assertAllowed: (name) => assertInScope(names, name),
    heldSecrets: () => (held ? [held] : []),
    close: async () => undefined,
  };
}
