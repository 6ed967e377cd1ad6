/** The port between the proxy and the rest of core: the proxy never touches the vault directly. */
import type { AuthPolicy, CredentialKind, Policy } from '../../../shared/model.ts';
import type { ProxyAccess } from '../access/access-control.ts';

/** What the proxy needs to know about a credential to route and guard; no secrets. */
export interface ProxyCredential {
  name: string;
  /** Exact canonical origins (scheme://host[:port]); the first one is the gateway target. */
  hosts: string[];
  authPolicy: AuthPolicy;
  allowInsecureLoopback: boolean;
  /** PEM of a private CA trusted for this credential's upstreams (`--upstream-ca`), added to the owner's roots. */
  upstreamCa?: string | undefined;
  /** Only oauth and exec credentials can refresh, so only they get the R4 retry after a 401. */
  kind: CredentialKind;
  /** The credential's access policy (A1), enforced before ensureFresh. */
  policy?: Policy | undefined;
  /** Stable record id: use counts follow the record, not a name that can be reused. */
  id: string;
}

export interface AccessTokenOptions {
  force?: boolean;
  /** Why a refresh is forced, so the token manager can rate-limit refreshes that upstream 401s trigger (R5). */
  reason?: 'upstream-401';
}

export interface UsageEvent {
  name: string;
  method: string;
  host: string;
  /** Path without the query string: queries may carry secrets. */
  path: string;
  status: number;
  /** Response body bytes relayed to the client (0 for proxy errors). */
  bytes?: number;
  durationMs: number;
  mode: 'gateway' | 'forward' | 'connect';
  /** The access key that made the request; absent for the master key. Never the key itself. */
  keyId?: string;
  /** Query parameter names only (`a&b`), never their values. */
  query?: string;
  /** The refusal code when the proxy answered itself (before or after routing). */
  code?: string;
  /** A refusal before a route existed: `name` and `host` are what the client claimed ('' when unknown). */
  unrouted?: boolean;
  /** Whether a key was presented at all, so a missing key is told apart from a wrong one. */
  keyPresented?: boolean;
  /** `master`, or an access-key id once access keys exist. */
  key?: string;
  /** Request body bytes as announced by Content-Length (0 without a body, undefined when chunked). */
  bytesIn?: number;
  /** X-Tokenwarden-Client (e.g. `mcp/claude`): informative only, stripped before forwarding. */
  client?: string;
  /** Set when a CONNECT to a host no credential is bound to was refused (strict mode). */
  unboundHost?: boolean;
  /** The TCP peer, so the owner can find the client process (best effort). */
  peer?: { port: number; localPort: number };
}

export interface ProxyBackend {
  /** Throws TokenwardenError(ERR_LOCKED) while the vault is locked. */
  credential(name: string): ProxyCredential | undefined;
  /** Every credential bound to the exact origin. Throws ERR_LOCKED while locked. */
  credentialsForOrigin(origin: string): ProxyCredential[];
  /** ensureFresh: a usable access token or a coded TokenwardenError (ERR_NEEDS_LOGIN, ERR_TOKEN_UNAVAILABLE, ERR_LOCKED…). */
  accessToken(name: string, options?: AccessTokenOptions): Promise<string>;
  isLocked(): boolean;
  /** The current proxy key (>= 128 bits). Throws ERR_LOCKED while locked. */
  proxyKey(): Buffer;
  /** Every hostname bound over https (the ones CONNECT intercepts); the CA's nameConstraints are derived from it. */
  boundHostnames(): string[];
  /** PEM CA material, stored encrypted in the vault; undefined when none exists yet. */
  loadCa(): { certPem: string; keyPem: string; hostnames: string[] } | undefined;
  saveCa(ca: { certPem: string; keyPem: string; hostnames: string[] }): Promise<void>;
  recordUsage(event: UsageEvent): void;
  /** A loopback client connected: lets the owner start finding its process while the socket still exists (audit). */
  peerConnected(peer: { port: number; localPort: number }): (() => void) | undefined;
  /**
   * Calls `listener` each time the vault locks, so the proxy drops the CA key, its leaf contexts and the
   * proxy key it holds (S6). Returns the unsubscribe.
   */
  onLock(listener: () => void): () => void;
  /** P1: SHA-256 of the presented form of the proxy key, known across a lock; undefined when never unlocked. */
  proxyKeyDigest(): Buffer | undefined;
  /** Access keys and policies (A1–A6). */
  access: ProxyAccess;
}
