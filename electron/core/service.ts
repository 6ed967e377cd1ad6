/**
 * TokenwardenService: one method per contract method, behind the dispatcher (dispatch.ts), which validated the
 * arguments. Credentials are handled here; vault administration, the proxy, access and audit queries are small
 * facades beside it. Every collaborator is built by create-service.ts and passed in.
 */
import { TransportConsent, type AddInputParsed, type ControlApi, type RotateInput, type SecretSpans, type SecretSpansOptions } from '../../shared/contract.ts';
import type { AckInput, AckResult, AlertItem, AlertsQuery, AuditQuery, AuditQueryResult, AuditVerifyResult, StatsQuery, StatsReport, TokenHealth } from '../../shared/audit-model.ts';
import type {
  AccessKeyCreated,
  AccessKeySummary,
  AppEvent,
  CopyResult,
  CredentialDetail,
  CredentialSummary,
  IntrospectionView,
  KeyslotKind,
  ProxyInfo,
  RevokeResult,
  VaultStatus,
} from '../../shared/model.ts';
import type { AccessKeyInputParsed, Policy } from '../../shared/policy.ts';
import type { AccessAdmin } from './access/access-admin.ts';
import type { AccessStore } from './access/access-store.ts';
import type { AppEventBus } from './base/app-events.ts';
import type { AuditMonitor } from './audit/audit-monitor.ts';
import type { ChangeFeed } from './change-feed.ts';
import type { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import type { CredentialViews } from './credential-views.ts';
import { newRecordFromInput } from './credentials/new-record.ts';
import { TokenHealthChecker } from './credentials/token-health.ts';
import { patchRecord, type UpdatePatchParsed } from './credentials/update-record.ts';
import { checkUpstreamCa } from './credentials/upstream-ca.ts';
import { TokenwardenError } from './base/errors.ts';
import type { TokenManager } from './lifecycle/token-manager.ts';
import type { ProxyKey } from './proxy-key.ts';
import { credentialSecretSpans } from './redaction/credential-secret-spans.ts';
import type { RetiredSecrets } from './redaction/retired-secrets.ts';
import { AccessFacade } from './service-access.ts';
import { AuditQueries } from './service-audit.ts';
import { ProxyFacade, type ProxyHandle } from './service-proxy.ts';
import { VaultAdmin } from './service-vault.ts';
import type { UsageTracker } from './usage-tracker.ts';
import { parse } from './base/validate.ts';
import type { Vault } from './vault/vault.ts';

interface ServiceParts {
  home: string;
  vault: Vault;
  manager: TokenManager;
  events: AppEventBus;
  views: CredentialViews;
  changes: ChangeFeed;
  usage: UsageTracker;
  proxyKey: ProxyKey;
  admin: AccessAdmin;
  accessStore: AccessStore;
  audit: AuditMonitor;
  /** Tokens a refresh or rotate replaced, still redacted for MCP for a while (M1). */
  retired: RetiredSecrets;
  /** The running proxy; absent in a one-shot CLI process. */
  proxy: ProxyHandle | undefined;
  strictProxy: boolean;
  clipboard: ClipboardGuard | undefined;
  /** null for a one-shot CLI process, which is not the vault's owner. */
  ownerPid: number | null;
  /** Wall clock (record timestamps); tests pass a fake one. */
  now: () => Date;
}

export class TokenwardenService implements ControlApi {
  readonly #p: ServiceParts;
  readonly #vaultAdmin: VaultAdmin;
  readonly #proxy: ProxyFacade;
  readonly #access: AccessFacade;
  readonly #audit: AuditQueries;
  readonly #health = new TokenHealthChecker();

  constructor(parts: ServiceParts) {
    this.#p = parts;
    const { home, vault, views, proxyKey, clipboard, proxy } = parts;
    this.#vaultAdmin = new VaultAdmin({ ...parts, proxy, clipboard });
    this.#proxy = new ProxyFacade({ home, vault, views, proxyKey, proxy, strict: parts.strictProxy, clipboard });
    this.#access = new AccessFacade({ views, admin: parts.admin, accessStore: parts.accessStore });
    this.#audit = new AuditQueries(parts.audit);
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    return this.#p.events.on(listener);
  }

  async list(): Promise<CredentialSummary[]> {
    return this.#p.views.summaries();
  }

  async get(name: string): Promise<CredentialDetail> {
    return this.#p.views.detail(this.#record(name));
  }

  async add(input: AddInputParsed): Promise<CredentialSummary> {
    const { vault, manager } = this.#p;
    if (input.upstreamCa) checkUpstreamCa(input.upstreamCa);
    this.#p.views.requireUnlocked();
    if (vault.get(input.name)) throw new TokenwardenError('ERR_EXISTS', `A credential named "${input.name}" already exists.`);
    await vault.insert(newRecordFromInput(input, this.#p.now()));
    if (input.kind === 'oauth' && (input.grant === 'client-credentials' || input.grant === 'refresh-token')) {
      // Non-interactive grants mint their first token now, so a bad secret is reported at add time.
      await manager.login(input.name).catch(async (err: unknown) => {
        await vault.remove(input.name);
        throw err;
      });
    }
    manager.schedule(input.name);
    return this.#view(input.name);
  }

  async update(name: string, patch: UpdatePatchParsed): Promise<CredentialSummary> {
    const current = this.#record(name);
    // P5: an update must not bind a remote http origin, or drop the consent a loopback http origin needs.
    parse(TransportConsent, { hosts: patch.hosts ?? current.hosts, allowInsecureLoopback: patch.allowInsecureLoopback ?? current.allowInsecureLoopback });
    // P11: a new upstream CA must parse, like one given to add; nothing is written when it does not.
    if (patch.upstreamCa) checkUpstreamCa(patch.upstreamCa);
    await this.#p.vault.update(name, (r) => patchRecord(r, patch));
    return this.#view(name);
  }

  async remove(name: string): Promise<void> {
    const record = this.#record(name);
    this.#p.manager.unschedule(name);
    await this.#p.vault.remove(name);
    await this.#p.admin.forgetCredential(name, record.id);
  }

  /** `options.signal` comes from the caller's side (Ctrl-C in the CLI, or its control connection closing). */
  async login(name: string, options: { signal?: AbortSignal } = {}): Promise<CredentialSummary> {
    this.#record(name);
    await this.#p.manager.login(name, options);
    this.#p.manager.schedule(name);
    return this.#view(name);
  }

  async refresh(name: string): Promise<CredentialSummary> {
    this.#record(name);
    await this.#p.manager.ensureFresh(name, { force: true });
    return this.#view(name);
  }

  async rotate(name: string, input: RotateInput = {}): Promise<CredentialSummary> {
    this.#record(name);
    await this.#p.manager.rotate(name, input);
    return this.#view(name);
  }

  async revoke(name: string): Promise<RevokeResult> {
    this.#record(name);
    this.#p.manager.unschedule(name);
    return this.#p.manager.revoke(name);
  }

  async introspect(name: string): Promise<IntrospectionView> {
    this.#record(name);
    return this.#p.manager.introspect(name);
  }

  async token(name: string): Promise<string> {
    this.#record(name);
    const token = await this.#p.manager.ensureFresh(name);
    this.#p.usage.touch(name);
    return token;
  }

  async copyToken(name: string): Promise<CopyResult> {
    const { clipboard } = this.#p;
    if (!clipboard) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'There is no clipboard in headless mode; use `tokenwarden token NAME`.');
    return clipboard.copy(await this.token(name));
  }

  async secretSpans(name: string, texts: string[], options?: SecretSpansOptions): Promise<SecretSpans> {
    return credentialSecretSpans(this.#record(name), [await this.proxyKey(), ...this.#p.retired.for(name)], texts, options);
  }

  async tokenHealth(name: string): Promise<TokenHealth> {
    return this.#health.check(this.#record(name).tokens?.accessToken);
  }

  status(): Promise<VaultStatus> {
    return this.#vaultAdmin.status();
  }

  lock(): Promise<VaultStatus> {
    return this.#vaultAdmin.lock();
  }

  unlock(secret?: string): Promise<VaultStatus> {
    return this.#vaultAdmin.unlock(secret);
  }

  addKeyslot(kind: KeyslotKind, passphrase?: string): Promise<VaultStatus> {
    return this.#vaultAdmin.addKeyslot(kind, passphrase);
  }

  removeKeyslot(kind: KeyslotKind): Promise<VaultStatus> {
    return this.#vaultAdmin.removeKeyslot(kind);
  }

  proxyInfo(): Promise<ProxyInfo> {
    return this.#proxy.proxyInfo();
  }

  caPem(): Promise<string> {
    return this.#proxy.caPem();
  }

  proxyKey(): Promise<string> {
    return this.#proxy.proxyKey();
  }

  rotateProxyKey(): Promise<ProxyInfo> {
    return this.#proxy.rotateProxyKey();
  }

  copyProxyKey(): Promise<CopyResult> {
    return this.#proxy.copyProxyKey();
  }

  setPolicy(name: string, policy: Policy | null): Promise<CredentialSummary> {
    return this.#access.setPolicy(name, policy);
  }

  createAccessKey(input: AccessKeyInputParsed, options?: { connection?: AbortSignal }): Promise<AccessKeyCreated> {
    return this.#access.createAccessKey(input, options);
  }

  listAccessKeys(): Promise<AccessKeySummary[]> {
    return this.#access.listAccessKeys();
  }

  revokeAccessKey(id: string): Promise<AccessKeySummary> {
    return this.#access.revokeAccessKey(id);
  }

  auditQuery(query?: AuditQuery): Promise<AuditQueryResult> {
    return this.#audit.auditQuery(query);
  }

  auditVerify(): Promise<AuditVerifyResult> {
    return this.#audit.auditVerify();
  }

  stats(query?: StatsQuery): Promise<StatsReport> {
    return this.#audit.stats(query);
  }

  alerts(query?: AlertsQuery): Promise<AlertItem[]> {
    return this.#audit.alerts(query);
  }

  ackAlert(input: AckInput): Promise<AckResult> {
    return this.#audit.ackAlert(input);
  }

  async close(): Promise<void> {
    const { manager, usage } = this.#p;
    this.#p.changes.close();
    manager.stop();
    // Awaited so quitting never leaves a token on the clipboard (S5).
    await this.#p.clipboard?.dispose();
    await this.#p.proxy?.close();
    // After the proxy: a request answered while it was closing still updates last-used.
    await usage.flush().catch(() => undefined);
    // S-rollback: the desktop exits right after close(); the last revision must reach the keyring/safeStorage record.
    await this.#p.vault.settled();
    await this.#p.audit.close();
    this.#p.events.clear();
  }

  #record(name: string) {
    return this.#p.views.record(name);
  }

  /** The caller's answer; the `changed` event itself comes from the store (change-feed.ts). */
  #view(name: string): CredentialSummary {
    return this.#p.views.view(this.#record(name));
  }
}
