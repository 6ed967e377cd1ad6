/** The composition root for an owner process: vault + lifecycle + service + proxy, wired once. */
import type { ClipboardPort } from './clipboard/clipboard-guard.ts';
import { AuditMonitor, auditSettingsFromEnv } from './audit/audit-monitor.ts';
import type { AuditStorage } from './audit/audit-files.ts';
import { auditOperations } from './audit/audit-operations.ts';
import { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import { ensureDataDir } from './data-dir.ts';
import { TokenwardenError } from './errors.ts';
import { TokenManager } from './lifecycle/token-manager.ts';
import { TokenwardenService } from './service.ts';
import { createProxyBackend } from './service-proxy-backend.ts';
import type { SafeStoragePort } from './vault/safe-storage-keyslot.ts';
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
  /** Audit log settings; default from TOKENWARDEN_AUDIT* in `env`. */
  audit?: { requests?: boolean; maxFileBytes?: number; maxFiles?: number; flushMs?: number; storage?: AuditStorage };
  /** Try to unlock at start from TOKENWARDEN_PASSPHRASE / keyring / safe-storage (default true). */
  autoUnlock?: boolean;
  /** Wall clock for the service (key expiry, timestamps); tests pass a fake one. */
  now?: () => Date;
  /** S-rollback: open a vault older than the recorded generation (`--accept-rollback`, TOKENWARDEN_ACCEPT_ROLLBACK=1). */
  acceptRollback?: boolean;
  /** R2: told about every fall-back to `.bak` (stderr in the CLI, a notification in the app, a log line in the daemon). */
  onVaultRecovery?: (recovery: VaultRecovery) => void;
  /**
   * 'startup': TOKENWARDEN_PASSPHRASE opens the vault at start-up only, so a later `unlock` without a secret
   * cannot undo an explicit `lock` (owners; S6). 'always' (default): a one-shot CLI process may use it any time.
   */
  envPassphrase?: 'startup' | 'always';
}

export async function createService(options: CreateServiceOptions): Promise<TokenwardenService> {
  // A copy the vault reads at each unlock; an owner drops the passphrase from it once started (S6).
  const env = { ...(options.env ?? process.env) };
  await ensureDataDir(options.home);
  // Created before the vault so a quarantine while opening it is audited (R2); entries wait for the chain key.
  const audit = new AuditMonitor({
    home: options.home,
    settings: { ...auditSettingsFromEnv(env), ...options.audit },
    ...(options.audit?.flushMs !== undefined ? { flushMs: options.audit.flushMs } : {}),
    ...(options.audit?.storage ? { storage: options.audit.storage } : {}),
  });
  const vault = await Vault.open({
    home: options.home,
    env,
    ...(options.keyring === false ? { keyring: false as const } : {}),
    ...(options.safeStorage ? { safeStorage: options.safeStorage } : {}),
    acceptRollback: options.acceptRollback ?? env.TOKENWARDEN_ACCEPT_ROLLBACK === '1',
    onRecovery: (recovery) => {
      audit.vaultRecovered(recovery);
      options.onVaultRecovery?.(recovery);
    },
  });
  // The manager reports through the service, which needs the manager: break the cycle with a late-bound ref.
  const owner: { service?: TokenwardenService } = {};
  const manager = new TokenManager({
    store: vault,
    onEvent: (event) => owner.service?.emit(event),
    onRefreshed: (name) => audit.event('refresh', name),
    ...(options.openBrowser ? { openBrowser: options.openBrowser } : {}),
  });
  const service = new TokenwardenService({
    home: options.home,
    vault,
    manager,
    strictProxy: options.proxy ? Boolean(options.proxy.strict) : false,
    ...(options.now ? { now: options.now } : {}),
    audit,
    ...(options.ownerPid ? { ownerPid: options.ownerPid } : {}),
    ...(options.clipboard
      ? { clipboard: new ClipboardGuard({ clipboard: options.clipboard, ...(options.clipboardClearMs ? { clearAfterMs: options.clipboardClearMs } : {}) }) }
      : {}),
  });
  owner.service = service;
  audit.attach(service, vault);
  auditOperations(service, audit);
  if (options.autoUnlock !== false) {
    // A vault that cannot be unlocked silently stays locked: the owner still starts and answers 423.
    await service.unlock().catch((err: unknown) => {
      // "Nothing could open it" is the ordinary first run or keyring-less start, which the caller explains in
      // one line; anything else (a wrong TOKENWARDEN_PASSPHRASE, a damaged file) is logged as it is.
      if (!(err instanceof TokenwardenError && err.code === 'ERR_LOCKED')) options.log?.(`vault stays locked: ${(err as Error).message}`);
    });
  }
  if (options.envPassphrase === 'startup') delete env.TOKENWARDEN_PASSPHRASE;
  if (options.proxy) {
    // In the background: it counts only entries stamped before this instant, so it never overlaps live ones.
    void audit.seedStats();
    // Loaded on demand: in-process CLI commands never start a proxy and shouldn't pay for TLS/X.509 code.
    const { startProxy } = await import('./proxy/server.ts');
    const proxy = await startProxy({
      backend: createProxyBackend(service, audit),
      port: options.proxy.port,
      strict: Boolean(options.proxy.strict),
      ...(options.proxy.trustedCaPems ? { trustedCaPems: options.proxy.trustedCaPems } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    service.attachProxy(proxy);
  }
  return service;
}
