/** TokenwardenService: the one API behind IPC, the control socket, the CLI and (later) MCP. */
import { TransportConsent, type AddInputParsed, type ControlApi, type RotateInput, type SecretSpans, type SecretSpansOptions } from '../../shared/contract.ts';
import type { AccessKeyInputParsed, Policy as PolicyParsed } from '../../shared/policy.ts';
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
import { AccessAdmin } from './access/access-admin.ts';
import { AccessControl } from './access/access-control.ts';
import { AccessStore } from './access/access-store.ts';
import type { AckInput, AlertsQuery, AuditQuery, StatsQuery, AckResult, AlertItem, AuditQueryResult, AuditVerifyResult, StatsReport, TokenHealth } from '../../shared/audit-model.ts';
import type { AuditMonitor } from './audit/audit-monitor.ts';
import { AppEventBus } from './app-events.ts';
import type { ClipboardGuard } from './clipboard/clipboard-guard.ts';
import { TokenHealthChecker } from './credentials/token-health.ts';
import type { CredentialRecord } from './credentials/credential-record.ts';
import { newRecordFromInput } from './credentials/new-record.ts';
import { patchRecord, type UpdatePatchParsed } from './credentials/update-record.ts';
import { checkUpstreamCa } from './credentials/upstream-ca.ts';
import { toDetail, toSummary } from './credentials/summary.ts';
import { unknownCredential } from './credentials/unknown-credential.ts';
import { TokenwardenError } from './errors.ts';
import { credentialSecretSpans } from './redaction/credential-secret-spans.ts';
import type { RetiredSecrets } from './redaction/retired-secrets.ts';
import { parse } from './validate.ts';
import type { TokenManager } from './lifecycle/token-manager.ts';
import type { ProxyServer } from './proxy/server.ts';
import { caFilePaths, syncCaFiles } from './proxy/ca-file.ts';
import { ProxyKey } from './proxy-key.ts';
import { UsageTracker } from './usage-tracker.ts';
import type { Vault } from './vault/vault.ts';

/** Store writes closer together than this become one `changed` event (a usage flush, a burst of refreshes). */
const CHANGE_COALESCE_MS = 30;

export interface ServiceParts {
  home: string;
  vault: Vault;
  manager: TokenManager;
  clipboard?: ClipboardGuard;
  ownerPid?: number;
  strictProxy?: boolean;
  now?: () => Date;
  /** Audit log, stats and alerts (issue 12); absent, the audit methods answer ERR_NOT_AVAILABLE. */
  audit?: AuditMonitor;
  /** The owner's event stream, shared with the token manager (create-service.ts wires both to it). */
  events?: AppEventBus;
  /** Last-used times; shared with the proxy backend, which records use on the hot path. */
  usage?: UsageTracker;
  /** M1: tokens a refresh or rotate replaced, still redacted for MCP for a while. */
  retired?: RetiredSecrets;
}

export class TokenwardenService implements ControlApi {
  readonly #home: string;
  readonly #vault: Vault;
  readonly #manager: TokenManager;
  readonly #clipboard: ClipboardGuard | undefined;
  readonly #events: AppEventBus;
  readonly #now: () => Date;
  readonly #ownerPid: number | null;
  readonly #strict: boolean;
  readonly #usage: UsageTracker;
  readonly #retired: RetiredSecrets | undefined;
  readonly #proxyKey: ProxyKey;
  /** Issue 11: the proxy's access port (policies, access keys); also what benches and tests drive directly. */
  readonly access: AccessControl;
  readonly #access: AccessAdmin;
  readonly #accessStore: AccessStore;
  readonly #audit: AuditMonitor | undefined;
  readonly #health = new TokenHealthChecker();
  #proxy: ProxyServer | undefined;
  #changeTimer: ReturnType<typeof setTimeout> | undefined;
  readonly #stopWatching: () => void;

  constructor(parts: ServiceParts) {
    this.#home = parts.home;
    this.#vault = parts.vault;
    this.#manager = parts.manager;
    this.#clipboard = parts.clipboard;
    this.#now = parts.now ?? (() => new Date());
    this.#ownerPid = parts.ownerPid ?? null;
    this.#strict = parts.strictProxy ?? false;
    this.#events = parts.events ?? new AppEventBus();
    this.#usage = parts.usage ?? new UsageTracker({ vault: parts.vault, now: this.#now });
    this.#proxyKey = new ProxyKey(parts.vault);
    this.#accessStore = new AccessStore(parts.vault, {
      now: this.#now,
      // A6: a `tkw exec` (or `tkw mcp`) that went away, now or before this owner started.
      onEnded: (id) => this.#audit?.event('key-revoke', null, 'ok', { key: id, detail: 'its command disconnected' }),
    });
    this.access = new AccessControl({
      store: this.#accessStore,
      now: () => this.#now().getTime(),
      onUsedUp: () => {
        if (!this.#vault.isLocked()) this.emit({ type: 'changed', summaries: this.#summaries() });
      },
    });
    this.#access = new AccessAdmin({ vault: parts.vault, store: this.#accessStore, now: this.#now });
    this.#stopWatching = parts.vault.onChange(() => this.#storeChanged());
    this.#audit = parts.audit;
    this.#retired = parts.retired;
  }

  /** The proxy is attached after construction because it needs the service as its backend. */
  attachProxy(proxy: ProxyServer): void {
    this.#proxy = proxy;
  }

  onEvent(listener: (event: AppEvent) => void): () => void {
    return this.#events.on(listener);
  }

  emit(event: AppEvent): void {
    this.#events.emit(event);
  }

  async list(): Promise<CredentialSummary[]> {
    return this.#summaries();
  }

  async get(name: string): Promise<CredentialDetail> {
    const record = this.#record(name);
    return toDetail(record, this.#access.statusOf(record, this.#manager.statusOf(record)), this.#usage.lastUsed(name), this.#access.usesLeft(record));
  }

  async add(input: AddInputParsed): Promise<CredentialSummary> {
    const parsed = input;
    if (parsed.upstreamCa) checkUpstreamCa(parsed.upstreamCa);
    this.#requireUnlocked();
    if (this.#vault.get(parsed.name)) throw new TokenwardenError('ERR_EXISTS', `A credential named "${parsed.name}" already exists.`);
    await this.#vault.insert(newRecordFromInput(parsed, this.#now()));
    if (parsed.kind === 'oauth' && (parsed.grant === 'client-credentials' || parsed.grant === 'refresh-token')) {
      // Non-interactive grants mint their first token now, so a bad secret is reported at add time.
      await this.#manager.login(parsed.name).catch(async (err: unknown) => {
        await this.#vault.remove(parsed.name);
        throw err;
      });
    }
    this.#manager.schedule(parsed.name);
    return this.#changed(parsed.name);
  }

  async update(name: string, p: UpdatePatchParsed): Promise<CredentialSummary> {
    const current = this.#record(name);
    // P5: an update must not bind a remote http origin, or drop the consent a loopback http origin needs.
    parse(TransportConsent, { hosts: p.hosts ?? current.hosts, allowInsecureLoopback: p.allowInsecureLoopback ?? current.allowInsecureLoopback });
    // P11: a new upstream CA must parse, like one given to add; nothing is written when it does not.
    if (p.upstreamCa) checkUpstreamCa(p.upstreamCa);
    await this.#vault.update(name, (r) => patchRecord(r, p));
    return this.#changed(name);
  }

  async remove(name: string): Promise<void> {
    const record = this.#record(name);
    this.#manager.unschedule(name);
    await this.#vault.remove(name);
    await this.#access.forgetCredential(name, record.id);
  }

  async status(): Promise<VaultStatus> {
    const locked = this.#vault.isLocked();
    return {
      locked,
      keyslots: this.#vault.keyslotKinds(),
      dataDir: this.#home,
      vaultPath: this.#vault.path,
      ownerPid: this.#ownerPid,
      proxy: this.#proxy ? { url: this.#proxy.url, port: this.#proxy.port } : null,
      credentialCount: locked ? null : this.#vault.list().length,
      warnings: this.#vault.warnings(),
      ...(this.#audit ? { openAlerts: this.#audit.alerts.openCount() } : {}),
      ...(this.#proxy ? { memory: ownerMemory() } : {}),
    };
  }

  /** S1: the only way a keyslot is added; never automatic. */
  async addKeyslot(kind: KeyslotKind, passphrase?: string): Promise<VaultStatus> {
    this.#requireUnlocked();
    await this.#vault.changeKeyslots(passphrase === undefined ? { action: 'add', kind } : { action: 'add', kind, passphrase });
    return this.status();
  }

  async removeKeyslot(kind: KeyslotKind): Promise<VaultStatus> {
    this.#requireUnlocked();
    await this.#vault.changeKeyslots({ action: 'remove', kind });
    return this.status();
  }

  async lock(): Promise<VaultStatus> {
    await this.#usage.flush().catch(() => undefined);
    this.#manager.stop();
    await this.#clipboard?.clearNow();
    this.#proxyKey.forget();
    this.#accessStore.onLock();
    // A refresh in flight may already hold a rotated refresh token: it persists before the DEK goes (O7, S6).
    await this.#manager.settle(() => this.#vault.lock());
    this.emit({ type: 'locked', locked: true });
    return this.status();
  }

  async unlock(secret?: string): Promise<VaultStatus> {
    if (this.#vault.isLocked()) {
      await this.#vault.unlock(secret);
      await this.#proxyKey.ensure();
      for (const record of this.#vault.list()) this.#manager.schedule(record.name);
      this.emit({ type: 'locked', locked: false });
    }
    return this.status();
  }

  /** `options.signal` comes from the caller's side (Ctrl-C in the CLI, or its control connection closing). */
  async login(name: string, options: { signal?: AbortSignal } = {}): Promise<CredentialSummary> {
    this.#record(name);
    await this.#manager.login(name, options);
    this.#manager.schedule(name);
    return this.#changed(name);
  }

  async refresh(name: string): Promise<CredentialSummary> {
    this.#record(name);
    await this.#manager.ensureFresh(name, { force: true });
    return this.#changed(name);
  }

  async rotate(name: string, input: RotateInput = {}): Promise<CredentialSummary> {
    this.#record(name);
    await this.#manager.rotate(name, input);
    return this.#changed(name);
  }

  async revoke(name: string): Promise<RevokeResult> {
    this.#record(name);
    this.#manager.unschedule(name);
    return this.#manager.revoke(name);
  }

  async introspect(name: string): Promise<IntrospectionView> {
    this.#record(name);
    return this.#manager.introspect(name);
  }

  async copyToken(name: string): Promise<CopyResult> {
    if (!this.#clipboard) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'There is no clipboard in headless mode; use `tokenwarden token NAME`.');
    return this.#clipboard.copy(await this.token(name));
  }

  async copyProxyKey(): Promise<CopyResult> {
    if (!this.#clipboard) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'There is no clipboard in headless mode; use `tokenwarden proxy-env`.');
    return this.#clipboard.copy(await this.proxyKey());
  }

  async proxyInfo(): Promise<ProxyInfo> {
    if (this.#proxy && !this.#vault.isLocked()) await this.caPem().catch(() => undefined);
    const key = this.#vault.isLocked() ? undefined : this.proxyKeyBuffer().toString('base64url');
    return {
      running: Boolean(this.#proxy),
      url: this.#proxy?.url ?? null,
      port: this.#proxy?.port ?? null,
      strict: this.#strict,
      caPath: this.#proxy ? this.caPath() : null,
      keyTail: key ? key.slice(-4) : null,
    };
  }

  async caPem(): Promise<string> {
    if (!this.#proxy) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'The proxy is not running, so there is no CA yet.');
    this.#requireUnlocked();
    const pem = await this.#proxy.caPem();
    // The owner writes ca.pem itself, so the path in proxyInfo always names the CA being served.
    await syncCaFiles(this.#home, pem);
    return pem;
  }

  async setPolicy(name: string, policy: PolicyParsed | null): Promise<CredentialSummary> {
    this.#record(name);
    await this.#access.setPolicy(name, policy);
    return this.#changed(name);
  }

  /** `options.connection`: the caller's control connection, which a `whileConnected` key lives no longer than. */
  async createAccessKey(parsed: AccessKeyInputParsed, options: { connection?: AbortSignal } = {}): Promise<AccessKeyCreated> {
    this.#requireUnlocked();
    const connection = options.connection;
    if (parsed.whileConnected && !connection) {
      throw new TokenwardenError('ERR_INVALID_INPUT', 'A key that lives only while its creator is connected is made through the control socket (tkw exec).');
    }
    const created = await this.#access.createKey(parsed);
    if (parsed.whileConnected && connection) {
      // The kernel closes the socket however the CLI ends (exit, Ctrl-C, SIGKILL), so the key cannot outlive it.
      const end = (): void => void this.#accessStore.endConnection(created.id).catch(() => undefined);
      if (connection.aborted) end();
      else connection.addEventListener('abort', end, { once: true });
    }
    return created;
  }

  async listAccessKeys(): Promise<AccessKeySummary[]> {
    this.#requireUnlocked();
    return this.#access.list();
  }

  async revokeAccessKey(id: string): Promise<AccessKeySummary> {
    this.#requireUnlocked();
    return this.#access.revoke(id);
  }

  /** P1: a digest of the proxy key, kept across lock. */
  proxyKeyDigest(): Buffer | undefined {
    return this.#proxyKey.digest();
  }

  caPath(): string {
    return caFilePaths(this.#home).caPath;
  }

  async token(name: string): Promise<string> {
    this.#record(name);
    const token = await this.#manager.ensureFresh(name);
    this.#usage.touch(name);
    return token;
  }

  async proxyKey(): Promise<string> {
    return this.proxyKeyBuffer().toString('base64url');
  }

  async rotateProxyKey(): Promise<ProxyInfo> {
    this.#requireUnlocked();
    await this.#proxyKey.rotate();
    return this.proxyInfo();
  }

  async secretSpans(name: string, texts: string[], options?: SecretSpansOptions): Promise<SecretSpans> {
    return credentialSecretSpans(this.#record(name), [await this.proxyKey(), ...(this.#retired?.for(name) ?? [])], texts, options);
  }

  proxyKeyBuffer(): Buffer {
    return this.#proxyKey.current();
  }

  // Audit, stats and alerts (issue 12): core/audit owns them; these only validate and delegate.
  async auditQuery(query: AuditQuery = {}): Promise<AuditQueryResult> {
    return this.#auditor().query(query);
  }

  async auditVerify(): Promise<AuditVerifyResult> {
    return this.#auditor().verify();
  }

  async stats(query: StatsQuery = {}): Promise<StatsReport> {
    return this.#auditor().report(query.since);
  }

  async alerts(query: AlertsQuery = {}): Promise<AlertItem[]> {
    return this.#auditor().list(query.all);
  }

  async ackAlert(input: AckInput): Promise<AckResult> {
    return { acknowledged: this.#auditor().acknowledge(input) };
  }

  async tokenHealth(name: string): Promise<TokenHealth> {
    return this.#health.check(this.#record(name).tokens?.accessToken);
  }

  #auditor(): AuditMonitor {
    if (!this.#audit) throw new TokenwardenError('ERR_NOT_AVAILABLE', 'Auditing is not running in this process.');
    return this.#audit;
  }

  async close(): Promise<void> {
    this.#stopWatching();
    clearTimeout(this.#changeTimer);
    this.#manager.stop();
    // Awaited so quitting never leaves a token on the clipboard (S5).
    await this.#clipboard?.dispose();
    await this.#proxy?.close();
    // After the proxy: a request answered while it was closing still updates last-used.
    await this.#usage.flush().catch(() => undefined);
    // S-rollback: the desktop exits right after close(); the last revision must reach the keyring/safeStorage record.
    await this.#vault.settled();
    await this.#audit?.close();
    this.#events.clear();
  }

  #requireUnlocked(): void {
    if (this.#vault.isLocked()) throw new TokenwardenError('ERR_LOCKED', 'The vault is locked. Unlock it with `tkw unlock`.');
  }

  #record(name: string): CredentialRecord {
    this.#requireUnlocked();
    const record = this.#vault.get(name);
    if (!record) throw unknownCredential(name, this.#vault.list().map((r) => r.name));
    return record;
  }

  #summaries(): CredentialSummary[] {
    this.#requireUnlocked();
    return this.#vault.list().map((r) => toSummary(r, this.#access.statusOf(r, this.#manager.statusOf(r)), this.#usage.lastUsed(r.name), this.#access.usesLeft(r)));
  }

  /** The caller's answer; the `changed` event itself comes from the store (see #storeChanged). */
  #changed(name: string): CredentialSummary {
    const record = this.#record(name);
    return toSummary(record, this.#access.statusOf(record, this.#manager.statusOf(record)), this.#usage.lastUsed(name), this.#access.usesLeft(record));
  }

  /** Leading-edge throttle: the first write schedules one event, later writes in the window ride along. */
  #storeChanged(): void {
    if (this.#changeTimer) return;
    this.#changeTimer = setTimeout(() => {
      this.#changeTimer = undefined;
      if (this.#vault.isLocked()) return;
      this.emit({ type: 'changed', summaries: this.#summaries() });
    }, CHANGE_COALESCE_MS);
    this.#changeTimer.unref?.();
  }
}

function ownerMemory(): { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number } {
  const { rss, heapUsed, heapTotal } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed, heapTotalBytes: heapTotal };
}
