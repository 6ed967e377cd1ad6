/**
 * Auditing in an owner: proxy usage events and service operations go through one bus to the audit writer, the
 * stats and the alert rules; alerts go back out on the app event stream it is built with. Nothing here can block
 * or fail a request (SECURITY L3).
 */
import { randomBytes } from 'node:crypto';
import type { AckInput, AlertItem, AuditEntry, AuditQuery, AuditQueryResult, AuditVerifyResult, StatsReport } from '../../../shared/audit-model.ts';
import type { AppEvent } from '../../../shared/model.ts';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { TokenwardenError } from '../base/errors.ts';
import { TcpPeerResolver, type PeerProcess } from '../peer/tcp-peer.ts';
import type { UsageEvent } from '../proxy/backend.ts';
import { describeGap, EMPTY, pathWithQueryNames, type AuditGap, type AuditRecord, type SegmentGap } from './audit-entry.ts';
import { AuditBus } from './audit-bus.ts';
import { auditDir, fileAuditStorage, type AuditStorage } from './audit-files.ts';
import { DEFAULT_AUDIT_SETTINGS, type AuditSettings } from './audit-settings.ts';
import { AuditLog } from './audit-log.ts';
import { addRequestStats, queryAudit, verifyAudit } from './audit-reader.ts';
import { AlertRules, NO_KEY_PRESENTED, UNBOUND_DETAIL, type AlertCandidate } from './alert-rules.ts';
import { AlertStore } from './alert-store.ts';
import { expiringSoon } from './expiry-watch.ts';
import { parseSince } from './since.ts';
import { StatsAccumulator } from './stats.ts';

/** The vault secret that keys the HMAC chain. */
export const AUDIT_KEY_SECRET = 'audit-hmac';

/** The narrow view of the vault auditing needs. */
export interface AuditVaultPort {
  isLocked(): boolean;
  getSecret(name: string): string | undefined;
  setSecret(name: string, value: string | undefined): Promise<void>;
  list(): CredentialRecord[];
}

/** The owner's event stream: lock/unlock and refresh failures come in, alerts and committed entries go out. */
interface AuditEventPort {
  on(listener: (event: AppEvent) => void): () => void;
  emit(event: AppEvent): void;
}

export interface AuditMonitorOptions {
  home: string;
  vault: AuditVaultPort;
  events: AuditEventPort;
  settings?: Partial<AuditSettings>;
  storage?: AuditStorage;
  now?: () => Date;
  /** false disables client-process lookup through /proc. */
  peers?: TcpPeerResolver | false;
  flushMs?: number;
}

export class AuditMonitor {
  readonly dir: string;
  readonly bus = new AuditBus();
  readonly log: AuditLog;
  readonly stats = new StatsAccumulator();
  readonly alerts: AlertStore;
  readonly #rules: AlertRules;
  readonly #settings: AuditSettings;
  readonly #now: () => Date;
  readonly #peers: TcpPeerResolver | undefined;
  readonly #events: AuditEventPort;
  readonly #vault: AuditVaultPort;
  readonly #timer: NodeJS.Timeout;
  readonly #lookups = new Set<Promise<void>>();

  constructor(options: AuditMonitorOptions) {
    this.dir = auditDir(options.home);
    this.#vault = options.vault;
    this.#events = options.events;
    this.#settings = { ...DEFAULT_AUDIT_SETTINGS, ...options.settings };
    this.#now = options.now ?? (() => new Date());
    this.#peers = options.peers === false ? undefined : (options.peers ?? new TcpPeerResolver());
    this.alerts = new AlertStore(this.dir, this.#now);
    this.#rules = new AlertRules({ knownClients: this.alerts.knownClients });
    this.log = new AuditLog({
      storage: options.storage ?? fileAuditStorage(this.dir),
      maxFileBytes: this.#settings.maxFileBytes,
      maxFiles: this.#settings.maxFiles,
      now: this.#now,
      ...(options.flushMs !== undefined ? { flushMs: options.flushMs } : {}),
      onCommit: (entries) => this.#events.emit(auditEvent(entries)),
      onWriteError: (err, dropped) =>
        this.#raise({
          kind: 'audit-write-failed',
          level: 'error',
          credential: null,
          message: `The audit log cannot be written (${(err as NodeJS.ErrnoException).code ?? 'error'}); requests are still served and ${dropped} entries were dropped so far.`,
          dedupKey: 'audit-write-failed',
        }),
      onRecovered: (lost) => this.event('audit-dropped', null, 'failed', { detail: `${lost} audit entries could not be written and were dropped.` }),
      onGap: (gap) => this.#tampered(gap),
      onReplaced: (file) => this.#replaced(file),
    });
    this.bus.subscribe((record, security) => this.log.append(record, security));
    this.bus.subscribe((record) => this.stats.add(record, record.ts ?? this.#now().toISOString()));
    this.bus.subscribe((record) => {
      for (const candidate of this.#rules.observe(record, this.#now().getTime())) this.#raise(candidate);
    });
    this.#events.on((event) => this.#onAppEvent(event));
    if (!this.#vault.isLocked()) void this.#unlocked();
    this.#timer = setInterval(() => this.#tick(), 60_000);
    this.#timer.unref();
  }

  get requestsAudited(): boolean {
    return this.#settings.requests;
  }

  /**
   * Owners only: loads the last 24 h of request entries into the live stats, so the Activity view and
   * sparklines survive a restart. Entries from before this call only; newer ones arrive through the bus.
   */
  async seedStats(): Promise<void> {
    const until = this.#now().toISOString();
    const since = new Date(this.#now().getTime() - this.stats.retainMs).toISOString();
    await addRequestStats(this.dir, this.stats, since, until).catch(() => undefined);
  }

  /** The proxy's usage event, after it responded. Synchronous unless the client process must be looked up. */
  recordUsage(event: UsageEvent): void {
    if (!this.#settings.requests) return;
    const ts = this.#now().toISOString();
    const lookup = event.peer && this.#peers ? this.#peers.resolve(event.peer.port, event.peer.localPort) : undefined;
    if (lookup === undefined || !(lookup instanceof Promise)) {
      this.bus.publish(requestRecord(event, ts, lookup));
      return;
    }
    // The resolver bounds the wait (500 ms) and shares one promise per connection; close() waits for these.
    const published = lookup.then((peer) => this.bus.publish(requestRecord(event, ts, peer)));
    this.#lookups.add(published);
    void published.finally(() => this.#lookups.delete(published));
  }

  /** Starts looking up a new connection's process while its socket surely exists; kept until it closes. */
  peerConnected(peer: { port: number; localPort: number }): (() => void) | undefined {
    return this.#settings.requests && this.#peers ? this.#peers.track(peer.port, peer.localPort) : undefined;
  }

  /** A service operation (add, rotate, login, key-create…), committed and synced at once. */
  event(action: string, credential: string | null, outcome: 'ok' | 'failed' | null = 'ok', extra: { code?: string; detail?: string; key?: string } = {}): void {
    this.bus.publish({ ...EMPTY, kind: 'event', credential, key: extra.key ?? null, action, outcome, code: extra.code ?? null, detail: extra.detail?.slice(0, 500) ?? null }, true);
  }

  async query(query: AuditQuery = {}): Promise<AuditQueryResult> {
    await this.log.flush();
    return queryAudit(this.dir, query, this.#now().getTime());
  }

  async verify(): Promise<AuditVerifyResult> {
    const key = this.#key();
    await this.log.flush();
    // While running, the owner's own last commit is the end to check against: a copied-back anchor cannot fool it.
    return verifyAudit(this.dir, key, this.log.anchor());
  }

  /** From memory within the last 24 h; older windows are read from the files. */
  async report(since = '1h'): Promise<StatsReport> {
    const now = this.#now().getTime();
    const from = parseSince(since, now).getTime();
    if (now - from <= this.stats.retainMs) {
      this.stats.prune(now);
      return this.stats.report(from, now);
    }
    await this.log.flush();
    const stats = new StatsAccumulator({ retainMs: Infinity });
    await addRequestStats(this.dir, stats, new Date(from).toISOString());
    return stats.report(from, now);
  }

  list(all = false): AlertItem[] {
    return this.alerts.list(all);
  }

  acknowledge(input: AckInput): number {
    const id = 'id' in input && typeof input.id === 'string' ? input.id : undefined;
    if (id !== undefined && !this.alerts.has(id)) throw new TokenwardenError('ERR_NOT_FOUND', `No alert has the id "${id.slice(0, 64)}".`);
    const acked = this.alerts.acknowledge(id !== undefined ? { id } : { all: true });
    for (const item of acked) this.event('alert-ack', item.credential, 'ok', { detail: `${item.kind} ${item.id}` });
    return acked.length;
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    // A request answered just before close is still being attributed: record it rather than write after close.
    await Promise.allSettled([...this.#lookups]);
    await this.log.close();
    await this.alerts.close();
  }

  #raise(candidate: AlertCandidate): void {
    const { item, isNew } = this.alerts.raise(candidate);
    if (!isNew) return;
    this.bus.publish({ ...EMPTY, kind: 'alert', credential: item.credential, detail: item.message, alert: { id: item.id, kind: item.kind, level: item.level } }, true);
    this.#events.emit({ type: 'alert', level: item.level, code: item.kind, name: item.credential, message: item.message, id: item.id });
  }

  #onAppEvent(event: AppEvent): void {
    if (event.type === 'changed') {
      // A token just added or rotated may already be close to expiry; don't wait for the next minute.
      queueMicrotask(() => this.#tick());
      return;
    }
    if (event.type === 'locked') {
      this.event(event.locked ? 'lock' : 'unlock', null);
      if (!event.locked) void this.#unlocked();
      return;
    }
    // The token manager's own alerts (never ours, which carry an id) are how refresh failures surface.
    if (event.type === 'alert' && event.id === undefined && (event.code === 'ERR_IDP' || event.code === 'ERR_NEEDS_LOGIN')) {
      this.event('refresh', event.name, 'failed', { code: event.code, detail: event.message });
    }
  }

  /**
   * L2: the newest entries were removed (while no owner ran, or under this one); L5: or the oldest segments that
   * retention had to keep. Said in the log itself, and as an alert.
   */
  #tampered(gap: AuditGap | SegmentGap): void {
    const message = `${describeGap(gap)}.`;
    this.event('audit-gap', null, 'failed', { detail: message });
    const dedupKey = 'from' in gap ? `audit-deleted:${gap.from}-${gap.to}` : `audit-tampered:${gap.after}`;
    this.#raise({ kind: 'audit-tampered', level: 'error', credential: null, message, dedupKey });
  }

  /** L2: the open segment was swapped or rewritten under this owner, its end intact; the rest is for verify to judge. */
  #replaced(file: string): void {
    const message = `The audit log file ${file} was replaced or rewritten while this owner was running; no entry is missing from its end, and \`tkw audit verify\` names any entry that was changed.`;
    this.event('audit-replaced', null, 'failed', { detail: message });
    this.#raise({ kind: 'audit-tampered', level: 'error', credential: null, message, dedupKey: `audit-replaced:${file}:${this.log.anchor()?.seq ?? 0}` });
  }

  /** Loads (or creates) the chain key and reports what the vault recovered from while opening. */
  async #unlocked(): Promise<void> {
    const vault = this.#vault;
    if (vault.isLocked()) return;
    try {
      let stored = vault.getSecret(AUDIT_KEY_SECRET);
      if (!stored) {
        stored = randomBytes(32).toString('base64url');
        await vault.setSecret(AUDIT_KEY_SECRET, stored);
      }
      // Kept after a lock on purpose: refusals while locked must still be sealed, and it guards integrity only.
      this.log.setKey(Buffer.from(stored, 'base64url'));
    } catch {
      // The vault could not store the key: entries wait in memory (bounded) until a later unlock.
    }
    this.#tick();
  }

  /** R2: the vault fell back to its backup while opening; audited once the chain key is known. */
  vaultRecovered(recovery: { kind: 'quarantined' | 'restored-missing'; message: string; quarantinedTo: string | null }): void {
    const stale = recovery.kind === 'quarantined' ? 'vault-quarantine' : 'vault-restore';
    this.event(stale, null, 'ok', { detail: recovery.message });
  }

  #key(): Buffer {
    const stored = this.#vault.isLocked() ? undefined : this.#vault.getSecret(AUDIT_KEY_SECRET);
    if (!stored) throw new TokenwardenError('ERR_LOCKED', 'Verifying the audit log needs the unlocked vault, which holds its key.');
    return Buffer.from(stored, 'base64url');
  }

  /** Once a minute: `expiring-soon` for tokens that cannot refresh themselves. */
  #tick(): void {
    const vault = this.#vault;
    if (vault.isLocked()) return;
    for (const { name, expiresAt } of expiringSoon(vault.list(), this.#now().getTime())) {
      for (const candidate of this.#rules.observe({ ...EMPTY, kind: 'event', credential: name, action: 'expiring', detail: `expires at ${expiresAt}` }, this.#now().getTime())) {
        this.#raise(candidate);
      }
    }
  }
}

/** One record per request, built once with its client process (a keep-alive connection's lookup is cached). */
function requestRecord(event: UsageEvent, ts: string, peer: PeerProcess | undefined): AuditRecord {
  const name = event.client ?? null;
  return {
    ...EMPTY,
    ts,
    kind: 'request',
    credential: event.name || null,
    key: event.key ?? null,
    mode: event.mode,
    method: event.method,
    origin: event.host || null,
    path: pathWithQueryNames(event.query !== undefined ? `${event.path}?${event.query}` : event.path),
    status: event.status,
    durationMs: Math.round(event.durationMs * 10) / 10,
    bytesIn: event.bytesIn ?? null,
    bytesOut: event.bytes ?? null,
    code: event.code ?? null,
    client: peer ? { pid: peer.pid, exe: peer.exe, name } : name ? { pid: null, exe: null, name } : null,
    detail: event.unboundHost ? UNBOUND_DETAIL : event.code && event.keyPresented === false ? NO_KEY_PRESENTED : null,
  };
}

/**
 * The live `audit` event. Its entries are parsed from the committed lines only when a listener reads them (the
 * CLI's `audit --follow`, through JSON or a structured clone); the desktop only needs the nudge, and an owner
 * nobody follows never pays for the parse.
 */
function auditEvent(read: () => AuditEntry[]): AppEvent {
  let entries: AuditEntry[] | undefined;
  return {
    type: 'audit',
    get entries() {
      return (entries ??= read());
    },
  };
}
