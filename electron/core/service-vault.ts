/** The service's vault administration: status, lock and unlock, and the keyslots (changed only on request, S1). */
import type { KeyslotKind, VaultStatus } from '../../shared/model.ts';
import type { AccessStore } from './access/access-store.ts';
import type { AuditMonitor } from './audit/audit-monitor.ts';
import type { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import type { CredentialViews } from './credential-views.ts';
import type { TokenManager } from './lifecycle/token-manager.ts';
import type { ProxyKey } from './proxy-key.ts';
import type { ProxyHandle } from './service-proxy.ts';
import type { UsageTracker } from './usage-tracker.ts';
import type { Vault } from './vault/vault.ts';
import type { AppEventBus } from './base/app-events.ts';

interface VaultAdminParts {
  home: string;
  vault: Vault;
  views: CredentialViews;
  manager: TokenManager;
  usage: UsageTracker;
  proxyKey: ProxyKey;
  accessStore: AccessStore;
  events: AppEventBus;
  audit: AuditMonitor;
  proxy: ProxyHandle | undefined;
  clipboard: ClipboardGuard | undefined;
  /** null for a one-shot CLI process, which holds the lock for one command and is not the owner. */
  ownerPid: number | null;
}

export class VaultAdmin {
  readonly #p: VaultAdminParts;

  constructor(parts: VaultAdminParts) {
    this.#p = parts;
  }

  async status(): Promise<VaultStatus> {
    const { vault, proxy } = this.#p;
    const locked = vault.isLocked();
    return {
      locked,
      keyslots: vault.keyslotKinds(),
      dataDir: this.#p.home,
      vaultPath: vault.path,
      ownerPid: this.#p.ownerPid,
      proxy: proxy ? { url: proxy.url, port: proxy.port } : null,
      credentialCount: locked ? null : vault.list().length,
      warnings: vault.warnings(),
      openAlerts: this.#p.audit.alerts.openCount(),
      ...(proxy ? { memory: ownerMemory() } : {}),
    };
  }

  /** S1: the only way a keyslot is added; never automatic. */
  async addKeyslot(kind: KeyslotKind, passphrase?: string): Promise<VaultStatus> {
    this.#p.views.requireUnlocked();
    await this.#p.vault.changeKeyslots(passphrase === undefined ? { action: 'add', kind } : { action: 'add', kind, passphrase });
    return this.status();
  }

  async removeKeyslot(kind: KeyslotKind): Promise<VaultStatus> {
    this.#p.views.requireUnlocked();
    await this.#p.vault.changeKeyslots({ action: 'remove', kind });
    return this.status();
  }

  async lock(): Promise<VaultStatus> {
    const { manager, vault } = this.#p;
    await this.#p.usage.flush().catch(() => undefined);
    manager.stop();
    await this.#p.clipboard?.clearNow();
    this.#p.proxyKey.forget();
    this.#p.accessStore.onLock();
    // A refresh in flight may already hold a rotated refresh token: it persists before the DEK goes (O7, S6).
    await manager.settle(() => vault.lock());
    this.#p.events.emit({ type: 'locked', locked: true });
    return this.status();
  }

  async unlock(secret?: string): Promise<VaultStatus> {
    const { vault } = this.#p;
    if (vault.isLocked()) {
      await vault.unlock(secret);
      await this.#p.proxyKey.ensure();
      for (const record of vault.list()) this.#p.manager.schedule(record.name);
      this.#p.events.emit({ type: 'locked', locked: false });
    }
    return this.status();
  }
}

function ownerMemory(): { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number } {
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, heapTotalBytes: heapTotal };
}
