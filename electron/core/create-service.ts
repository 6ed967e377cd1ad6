/**
 * The composition root for an owner process: vault, event stream, lifecycle, usage, service and proxy,
 * each built once and handed the narrow parts it needs. Nothing is bound late, and no part reaches
 * through the service for another.
 */
import type { AccessControl } from './access/access-control.ts';
import { AppEventBus } from './app-events.ts';
import type { ClipboardPort } from './clipboard/clipboard-guard.ts';
import { AuditMonitor } from './audit/audit-monitor.ts';
import type { AuditStorage } from './audit/audit-files.ts';
import { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import { readConfig, type EnvPassphraseRule } from './config.ts';
import { ensureDataDir } from './data-dir.ts';
import { Dispatcher } from './dispatch.ts';
import { TokenwardenError } from './errors.ts';
import { TokenManager } from './lifecycle/token-manager.ts';
import { bindOwnerApi, type OwnerApi } from './owner-api.ts';
import type { RevealGate } from './reveal/reveal-gate.ts';
import { TokenwardenService } from './service.ts';
import { createProxyBackend } from './service-proxy-backend.ts';
import { UsageTracker } from './usage-tracker.ts';
import type { SafeStoragePort } from './vault/safe-storage-keyslot.ts';
import { RetiredSecrets } from './redaction/retired-secrets.ts';
import { Vault, type VaultRecovery } from './vault/vault.ts';

export interface CreateServiceOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  /** `false` skips the OS keyring (tests, CI without a Secret Service). */
  keyring?: false;
  safeStorage?: SafeStoragePort;
  /** Start the loopback proxy (owners do; in-process CLI commands don't). */
  proxy?: { port: number; strict?: boolean; trustedCaPems?: string[] } | false;
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
  await ensureDataDir(options.home);
  // Created before the vault so a quarantine while opening it is audited (R2); entries wait for the chain key.
  const audit = new AuditMonitor({
    home: options.home,
    settings: { ...config.audit, ...options.audit },
    ...(options.audit?.flushMs !== undefined ? { flushMs: options.audit.flushMs } : {}),
    ...(options.audit?.storage ? { storage: options.audit.storage } : {}),
  });
  const vault = await Vault.open({
    home: options.home,
    passphrase: () => (passphraseCounts(moment) ? config.passphrase : undefined),
    keyring: options.keyring,
    safeStorage: options.safeStorage,
    acceptRollback: options.acceptRollback ?? config.acceptRollback,
    onRecovery: (recovery) => {
      audit.vaultRecovered(recovery);
      options.onVaultRecovery?.(recovery);
    },
  });
  const now = options.now ?? (() => new Date());
  // One event stream, made first: the manager's alerts and the service's changes go to the same listeners.
  const events = new AppEventBus();
  const manager = new TokenManager({
    store: vault,
    onEvent: (event) => events.emit(event),
    onRefreshed: (name) => audit.event('refresh', name),
    openBrowser: options.openBrowser,
  });
  const usage = new UsageTracker({ vault, now });
  // M1: a token that a refresh or rotate replaced stays redacted for MCP for a while; S6: all dropped on lock.
  const retired = new RetiredSecrets({ now: () => now().getTime() });
  vault.onChange(() => {
    if (!vault.isLocked()) retired.observe(vault.list());
  });
  events.on((event) => {
    if (event.type !== 'locked') return;
    if (event.locked) retired.clear();
    else retired.observe(vault.list());
  });
  const service = new TokenwardenService({
    retired,
    home: options.home,
    vault,
    manager,
    events,
    usage,
    strictProxy: options.proxy ? Boolean(options.proxy.strict) : false,
    now,
    audit,
    ownerPid: options.ownerPid,
    clipboard: options.clipboard ? new ClipboardGuard({ clipboard: options.clipboard, clearAfterMs: options.clipboardClearMs }) : undefined,
  });
  audit.attach(service, vault);
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
  if (options.proxy) {
    // Loaded on demand: in-process CLI commands never start a proxy and shouldn't pay for TLS/X.509 code.
    const { startProxy } = await import('./proxy/server.ts');
    const proxy = await startProxy({
      backend: createProxyBackend({ vault, tokens: manager, usage, keys: service, access: service.access, events, audit }),
      port: options.proxy.port,
      strict: Boolean(options.proxy.strict),
      trustedCaPems: options.proxy.trustedCaPems,
      log: options.log,
    });
    service.attachProxy(proxy);
    // In the background, once serving (it would only compete with start-up): it counts only entries stamped
    // before this instant, so it never overlaps live ones.
    void audit.seedStats();
  }
  return { api, dispatcher, service, access: service.access, vault, manager, events };
}
