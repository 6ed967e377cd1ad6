/** Adapts the service to the proxy's port: routes by name or exact origin, with an index rebuilt only when credentials change. */
import { TokenwardenError } from './errors.ts';
import type { ProxyBackend, ProxyCredential, UsageEvent } from './proxy/backend.ts';
import type { TokenwardenService } from './service.ts';

const CA_SECRET = 'proxy-ca';

interface RouteIndex {
  byName: Map<string, ProxyCredential>;
  byOrigin: Map<string, ProxyCredential[]>;
  hostnames: string[];
}

export function createProxyBackend(service: TokenwardenService, audit?: Pick<ProxyBackend, 'recordUsage' | 'peerConnected'>): ProxyBackend {
  const vault = service.vault;
  let index: RouteIndex | undefined;
  // Every credential write goes through the vault, which reports it at once; the hot path then reads a Map.
  vault.onChange(() => (index = undefined));
  service.onEvent((event) => {
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
        hostnames.add(new URL(origin).hostname);
      }
    }
    next.hostnames = [...hostnames].sort();
    index = next;
    return next;
  };

  return {
    credential: (name) => routes().byName.get(name),
    credentialsForOrigin: (origin) => routes().byOrigin.get(origin) ?? [],
    accessToken: (name, options) => service.manager.ensureFresh(name, options),
    isLocked: () => vault.isLocked(),
    proxyKey: () => service.proxyKeyBuffer(),
    boundHostnames: () => routes().hostnames,
    loadCa: () => {
      const stored = vault.getSecret(CA_SECRET);
      return stored ? (JSON.parse(stored) as { certPem: string; keyPem: string; hostnames: string[] }) : undefined;
    },
    saveCa: (ca) => vault.setSecret(CA_SECRET, JSON.stringify(ca)),
    recordUsage: (event: UsageEvent) => {
      if (!event.unrouted) service.usage.touch(event.name);
      audit?.recordUsage(event);
    },
    peerConnected: (peer) => audit?.peerConnected?.(peer),
    proxyKeyDigest: () => service.proxyKeyDigest(),
    access: service.access,
    onLock: (listener) =>
      service.onEvent((event) => {
        if (event.type === 'locked' && event.locked) listener();
      }),
  };
}
