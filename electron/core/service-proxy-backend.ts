/** Builds the proxy's port from the owner's parts: routes by name or exact origin, with an index rebuilt only when credentials change. */
import type { AppEvent } from '../../shared/model.ts';
import type { AccessControl } from './access/access-control.ts';
import { TokenwardenError } from './base/errors.ts';
import type { TokenManager } from './lifecycle/token-manager.ts';
import type { ProxyKey } from './proxy-key.ts';
import type { ProxyBackend, ProxyCredential, UsageEvent } from './proxy/backend.ts';
import type { UsageTracker } from './usage-tracker.ts';
import type { Vault } from './vault/vault.ts';

const CA_SECRET = 'proxy-ca';

interface RouteIndex {
  byName: Map<string, ProxyCredential>;
  byOrigin: Map<string, ProxyCredential[]>;
  hostnames: string[];
}

/** Exactly what the proxy needs from the owner, wired by create-service.ts before the service exists. */
export interface ProxyBackendParts {
  vault: Pick<Vault, 'isLocked' | 'list' | 'getSecret' | 'setSecret' | 'onChange'>;
  tokens: Pick<TokenManager, 'ensureFresh'>;
  usage: Pick<UsageTracker, 'touch'>;
  keys: Pick<ProxyKey, 'current' | 'digest'>;
  access: AccessControl;
  events: { on(listener: (event: AppEvent) => void): () => void };
  /** The audit log's share of each request. */
  audit: Pick<ProxyBackend, 'recordUsage' | 'peerConnected'>;
}

export function createProxyBackend(parts: ProxyBackendParts): ProxyBackend {
  const { vault, events } = parts;
  let index: RouteIndex | undefined;
  // Every credential write goes through the vault, which reports it at once; the hot path then reads a Map.
  vault.onChange(() => (index = undefined));
  events.on((event) => {
    if (event.type === 'locked') index = undefined;
  });

  const routes = (): RouteIndex => {
    if (vault.isLocked()) throw new TokenwardenError('ERR_LOCKED');
    if (index) return index;
    const next: RouteIndex = { byName: new Map(), byOrigin: new Map(), hostnames: [] };
    const hostnames = new Set<string>();
    for (const r of vault.list()) {
      const cred: ProxyCredential = { name: r.name, id: r.id, kind: r.kind, hosts: r.hosts, authPolicy: r.authPolicy, allowInsecureLoopback: r.allowInsecureLoopback, policy: r.policy, upstreamCa: r.upstreamCa };
      next.byName.set(r.name, cred);
      for (const origin of r.hosts) {
        next.byOrigin.set(origin, [...(next.byOrigin.get(origin) ?? []), cred]);
        // The CA's name constraints cover only what CONNECT intercepts: binding a plain-http host must not re-issue it.
        if (origin.startsWith('https://')) hostnames.add(new URL(origin).hostname);
      }
    }
    next.hostnames = [...hostnames].sort();
    index = next;
    return next;
  };

  return {
    credential: (name) => routes().byName.get(name),
    credentialsForOrigin: (origin) => routes().byOrigin.get(origin) ?? [],
    accessToken: (name, options) => parts.tokens.ensureFresh(name, options),
    isLocked: () => vault.isLocked(),
    proxyKey: () => parts.keys.current(),
    boundHostnames: () => routes().hostnames,
    loadCa: () => {
      const stored = vault.getSecret(CA_SECRET);
      return stored ? (JSON.parse(stored) as { certPem: string; keyPem: string; hostnames: string[] }) : undefined;
    },
    saveCa: (ca) => vault.setSecret(CA_SECRET, JSON.stringify(ca)),
    recordUsage: (event: UsageEvent) => {
      if (!event.unrouted) parts.usage.touch(event.name);
      parts.audit.recordUsage(event);
    },
    peerConnected: (peer) => parts.audit.peerConnected(peer),
    proxyKeyDigest: () => parts.keys.digest(),
    access: parts.access,
    onLock: (listener) =>
      events.on((event) => {
        if (event.type === 'locked' && event.locked) listener();
      }),
  };
}
