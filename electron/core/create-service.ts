/**
 * The composition root, and the only place the core is wired: every collaborator is built here once, in the
 * order its dependencies allow, and handed the narrow parts it needs. The proxy starts before the service and is
 * passed to it as a ProxyHandle; the audit monitor gets the vault and event stream at construction; auditing
 * happens in the dispatcher. Nothing is attached later, and nothing replaces a method at run time.
 */
import { AccessAdmin } from './access/access-admin.ts';
import { AccessControl } from './access/access-control.ts';
import { AccessStore } from './access/access-store.ts';
import { AppEventBus } from './base/app-events.ts';
import type { AuditStorage } from './audit/audit-files.ts';
import { AuditMonitor } from './audit/audit-monitor.ts';
import { ChangeFeed } from './change-feed.ts';
import { ClipboardGuard, type ClipboardPort } from './clipboard/clipboard-guard.ts';
import { readConfig, type EnvPassphraseRule } from './config.ts';
import { CredentialViews } from './credential-views.ts';
import { ensureDataDir } from './base/data-dir.ts';
import { Dispatcher } from './dispatch.ts';
import { TokenwardenError } from './base/errors.ts';
import { TokenManager } from './lifecycle/token-manager.ts';
import { bindOwnerApi, type OwnerApi } from './owner-api.ts';
import { ProxyKey } from './proxy-key.ts';
import { RetiredSecrets } from './redaction/retired-secrets.ts';
import type { RevealGate } from './reveal/reveal-gate.ts';
import { TokenwardenService } from './service.ts';
import { createProxyBackend, type ProxyBackendParts } from './service-proxy-backend.ts';
import type { ProxyHandle } from './service-proxy.ts';
import { UsageTracker } from './usage-tracker.ts';
import type { SafeStoragePort } from './vault/keyslots/safe-storage-keyslot.ts';
import { Vault, type VaultRecovery } from './vault/vault.ts';

interface ProxySettings {
  port: number;
  strict?: boolean;
  trustedCaPems?: string[];
}

export interface CreateServiceOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  /** `false` skips the OS keyring (tests, CI without a Secret Service). */
  keyring?: false;
  safeStorage?: SafeStoragePort;
  /** Start the loopback proxy (owners do; in-process CLI commands don't). */
  proxy?: ProxySettings | false;
  clipboard?: ClipboardPort;
  clipboardClearMs?: number;
  openBrowser?: (url: string) => Promise<void>;
  ownerPid?: number;
  log?: (line: string) => void;
  /** Audit log settings; default from the environment (config.ts). */
  audit?: { requests?: boolean; maxFileBytes?: number; maxFiles?: number; flushMs?: number; storage?: AuditStorage };
  /** Try to unlock at start from the environment's passphrase / keyring / safe-storage (default true). */
  autoUnlock?: boolean;
  /** Wall clock for the service (key expiry, timestamps); tests pass a fake one. */
  now?: () => Date;
  /** S-rollback: open a vault older than the recorded generation (`--accept-rollback`; default from the environment). */
  acceptRollback?: boolean;
  /** R2: told about every fall-back to `.bak` (stderr in the CLI, a notification in the app, a log line in the daemon). */
  onVaultRecovery?: (recovery: VaultRecovery) => void;
  /** When the environment's passphrase counts: owners pass `startupOnly` (S6); default any time (a one-shot CLI). */
  envPassphrase?: EnvPassphraseRule;
  /** "Ask before revealing a token" (desktop only): `token`/`copyToken` wait for it, from the window or the socket. */
  revealGate?: RevealGate;
}

/** The wired parts; tests and benches that need to look inside use these instead of service getters. */
export interface ServiceGraph {
  /** The contract in-process, through the dispatcher: what callers in this process use. */
  api: OwnerApi;
  /** What every face's call goes through: validation, gates, audit. */
  dispatcher: Dispatcher;
  /** The implementation behind the dispatcher; its methods take validated arguments. */
  service: TokenwardenService;
  /** The proxy's access port (policies, access keys); benches and tests shorten its waits. */
  access: AccessControl;
  vault: Vault;
  manager: TokenManager;
  events: AppEventBus;
}

export async function createService(options: CreateServiceOptions): Promise<OwnerApi> {
  return (await composeService(options)).api;
}

export async function composeService(options: CreateServiceOptions): Promise<ServiceGraph> {
  const config = readConfig(options.env ?? process.env);
  const passphraseCounts = options.envPassphrase ?? (() => true);
  let moment: 'start' | 'later' = 'start';
  const now = options.now ?? (() => new Date());
  await ensureDataDir(options.home);
  const vault = await Vault.open({
    home: options.home,
    passphrase: () => (passphraseCounts(moment) ? config.passphrase : undefined),
    keyring: options.keyring,
    safeStorage: options.safeStorage,
    acceptRollback: options.acceptRollback ?? config.acceptRollback,
    ...(options.onVaultRecovery ? { onRecovery: options.onVaultRecovery } : {}),
  });
  // One event stream, made first: the manager's alerts, the audit's alerts and the changes go to the same listeners.
  const events = new AppEventBus();
  const audit = new AuditMonitor({
    home: options.home,
    vault,
    events,
    settings: { ...config.audit, ...options.audit },
    ...(options.audit?.flushMs !== undefined ? { flushMs: options.audit.flushMs } : {}),
    ...(options.audit?.storage ? { storage: options.audit.storage } : {}),
  });
  // R2: the vault replays a fall-back to `.bak` it made while opening; audited once the chain key is known.
  vault.onRecovery((recovery) => audit.vaultRecovered(recovery));
  const manager = new TokenManager({
    store: vault,
    onEvent: (event) => events.emit(event),
    onRefreshed: (name) => audit.event('refresh', name),
    openBrowser: options.openBrowser,
  });
  const usage = new UsageTracker({ vault, now });
  const retired = retiredSecrets(vault, events, now);
  const proxyKey = new ProxyKey(vault);
  const accessStore = new AccessStore(vault, {
    now,
    // A6: a `tkw exec` (or `tkw mcp`) that went away, now or before this owner started.
    onEnded: (id) => audit.event('key-revoke', null, 'ok', { key: id, detail: 'its command disconnected' }),
  });
  const admin = new AccessAdmin({ vault, store: accessStore, now });
  const views = new CredentialViews({ vault, manager, admin, usage });
  const changes = new ChangeFeed({ vault, events, summaries: () => views.summaries() });
  // A credential's last use taken is not a record write: its `used-up` status is announced at once.
  const access = new AccessControl({ store: accessStore, now: () => now().getTime(), onUsedUp: () => changes.announce() });
  const proxy = options.proxy ? await startOwnerProxy(options.proxy, options.log, { vault, tokens: manager, usage, keys: proxyKey, access, events, audit }, audit) : undefined;
  const service = new TokenwardenService({
    home: options.home,
    vault,
    manager,
    events,
    views,
    changes,
    usage,
    proxyKey,
    admin,
    accessStore,
    audit,
    retired,
    proxy,
    strictProxy: options.proxy ? Boolean(options.proxy.strict) : false,
    clipboard: options.clipboard ? new ClipboardGuard({ clipboard: options.clipboard, clearAfterMs: options.clipboardClearMs }) : undefined,
    ownerPid: options.ownerPid ?? null,
    now,
  });
  const dispatcher = new Dispatcher({ service, audit, ...(options.revealGate ? { reveal: options.revealGate } : {}) });
  const api = bindOwnerApi(dispatcher, { onEvent: (listener) => service.onEvent(listener), close: () => service.close() });
  if (options.autoUnlock !== false) {
    // A vault that cannot be unlocked silently stays locked: the owner still starts and answers 423.
    await service.unlock().catch((err: unknown) => {
      // "Nothing could open it" is the ordinary first run or keyring-less start, which the caller explains in
      // one line; anything else (a wrong environment passphrase, a damaged file) is logged as it is.
      if (!(err instanceof TokenwardenError && err.code === 'ERR_LOCKED')) options.log?.(`vault stays locked: ${(err as Error).message}`);
    });
  }
  moment = 'later';
  // In the background, once serving (it would only compete with start-up): it counts only entries stamped
  // before this instant, so it never overlaps live ones.
  if (proxy) void audit.seedStats();
  return { api, dispatcher, service, access, vault, manager, events };
}

/** The owner's proxy, on the backend built from the owner's parts; stops the audit writer if it cannot listen. */
async function startOwnerProxy(settings: ProxySettings, log: CreateServiceOptions['log'], parts: ProxyBackendParts, audit: AuditMonitor): Promise<ProxyHandle> {
  // Loaded on demand: in-process CLI commands never start a proxy and shouldn't pay for TLS/X.509 code.
  const { startProxy } = await import('./proxy/server.ts');
  return startProxy({
    backend: createProxyBackend(parts),
    port: settings.port,
    strict: Boolean(settings.strict),
    trustedCaPems: settings.trustedCaPems,
    log,
  }).catch(async (err: unknown) => {
    await audit.close().catch(() => undefined);
    throw err;
  });
}

/** M1: a token that a refresh or rotate replaced stays redacted for MCP for a while; S6: all dropped on lock. */
function retiredSecrets(vault: Vault, events: AppEventBus, now: () => Date): RetiredSecrets {
  const retired = new RetiredSecrets({ now: () => now().getTime() });
  vault.onChange(() => {
    if (!vault.isLocked()) retired.observe(vault.list());
  });
  events.on((event) => {
    if (event.type !== 'locked') return;
    if (event.locked) retired.clear();
    else retired.observe(vault.list());
  });
  return retired;
}
