/**
 * The append-only audit writer: entries queue in memory and are committed in groups, sealed with an HMAC chain.
 * It never blocks or fails the caller: a write error drops the batch, counts it and reports it once (SECURITY L3).
 */
import type { AuditEntry } from '../../../shared/audit-model.ts';
import { sealAnchor, type Anchor } from './audit-anchor.ts';
import { entryBody, headerBody, MacKey, recordTail, sealLine, toEntry, type AuditGap, type AuditRecord, type SegmentGap } from './audit-entry.ts';
import { segmentName, type AuditStorage, type SegmentWriter } from './audit-files.ts';
import { findResumePoint } from './audit-resume.ts';
import { retainFromFor } from './audit-retention.ts';

export interface AuditLogOptions {
  storage: AuditStorage;
  /** Rotate to a new segment past this size (default 10 MB). */
  maxFileBytes?: number;
  /** Keep this many segments; older ones are deleted (default 10). */
  maxFiles?: number;
  /** Group-commit delay for request entries (default 100 ms); security entries commit at once. */
  flushMs?: number;
  /** Entries queued while the disk or the key is unavailable; past it new entries are dropped and counted. */
  maxPending?: number;
  now?: () => Date;
  /** Committed entries, for the live event stream: parsed only when called. */
  onCommit?: (entries: () => AuditEntry[]) => void;
  /** The first failure of an outage, with the running count of dropped entries. */
  onWriteError?: (error: Error, dropped: number) => void;
  /** Writing works again after an outage in which `dropped` entries were lost. */
  onRecovered?: (dropped: number) => void;
  /**
   * L2, on opening an existing log: the anchor says entries after `after` were written, up to `upTo` (null when the
   * anchor itself is missing), but the segments end at `after`. Numbering continues past the gap, so it stays visible.
   * L5: or the oldest segments were deleted though retention had to keep them (a `SegmentGap`).
   */
  onGap?: (gap: AuditGap | SegmentGap) => void;
  /**
   * L2, while running: the open segment `file` was replaced, deleted or rewritten under this writer, though nothing
   * is missing from its end (else `onGap`, with `running`). The writer goes on from the file as it now is.
   */
  onReplaced?: (file: string) => void;
}

interface Pending {
  ts: string;
  kind: string;
  /** `recordTail`: the record's fields as JSON, so the queue holds one string per entry. */
  tail: string;
}

/** At most one datasync per this interval for request entries; security entries sync at once. */
const SYNC_INTERVAL_MS = 1000;

export const AUDIT_DEFAULTS = { maxFileBytes: 10 * 1024 * 1024, maxFiles: 10 } as const;

export class AuditLog {
  readonly #storage: AuditStorage;
  readonly #maxFileBytes: number;
  readonly #maxFiles: number;
  readonly #flushMs: number;
  readonly #maxPending: number;
  readonly #now: () => Date;
  readonly #options: AuditLogOptions;
  #key: MacKey | undefined;
  #pending: Pending[] = [];
  #urgent = false;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #writer: SegmentWriter | undefined;
  #segment = 0;
  #seq = 0;
  #prev = '';
  #entriesInSegment = 0;
  /** The last header's `retainFrom`, which the next one may not go below (audit-retention.ts). */
  #retainFrom = 1;
  #ready = false;
  #lastSync = 0;
  #failing = false;
  #droppedInOutage = 0;
  #closed = false;
  /** The last entry this process committed, for `verify` while running. */
  #anchor: Anchor | undefined;
  /** MAC of the last entry in the chain, which the anchor file is sealed over. */
  #lastEntryMac = '';
  /** The seq the anchor file names now (undefined before this process wrote one). */
  #anchoredSeq: number | undefined;
  /** Entries lost since start: full queue or failed writes. */
  dropped = 0;
  /** Entries committed since start. */
  written = 0;

  constructor(options: AuditLogOptions) {
    this.#options = options;
    this.#storage = options.storage;
    this.#maxFileBytes = options.maxFileBytes ?? AUDIT_DEFAULTS.maxFileBytes;
    this.#maxFiles = Math.max(1, options.maxFiles ?? AUDIT_DEFAULTS.maxFiles);
    this.#flushMs = options.flushMs ?? 100;
    this.#maxPending = options.maxPending ?? 100_000;
    this.#now = options.now ?? (() => new Date());
  }

  /** The chain key comes from the vault; until it is known, entries wait in memory. */
  setKey(key: Buffer): void {
    this.#key = new MacKey(key);
    if (this.#pending.length > 0) this.#schedule(0);
  }

  hasKey(): boolean {
    return this.#key !== undefined;
  }

  /** The last entry committed by this process (undefined before its first commit): what the files must still hold. */
  anchor(): Anchor | undefined {
    return this.#anchor;
  }

  /** Queues an entry; `security` entries (events, alerts) are committed and synced at once. Never throws. */
  append(record: AuditRecord, security = false): void {
    // After close nothing may reopen a segment: the owner is exiting or its data directory is going away.
    if (this.#closed) return this.#drop(1);
    if (this.#pending.length >= this.#maxPending) {
      this.#drop(1);
      return;
    }
    this.#pending.push({ ts: record.ts ?? this.#now().toISOString(), kind: record.kind, tail: recordTail(record) });
    if (security) this.#urgent = true;
    this.#schedule(security ? 0 : this.#flushMs);
  }

  /** Commits everything queued so far (when the key is known). */
  flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const run = this.#chain.then(() => this.#commit());
    this.#chain = run.catch(() => undefined);
    return this.#chain;
  }

  async close(): Promise<void> {
    // Until quiet: a commit can itself queue an entry (the audit-gap event found while opening the log).
    for (let round = 0; round < 3 && (round === 0 || this.#pending.length > 0); round++) await this.flush();
    this.#closed = true;
    await this.flush();
    const writer = this.#writer;
    if (writer && this.#anchoredSeq !== this.#seq) {
      await writer.sync().catch(() => undefined);
      await this.#writeAnchor();
    }
    this.#writer = undefined;
    this.#ready = false;
    await writer?.close().catch(() => undefined);
  }

  #schedule(delay: number): void {
    if (!this.#key) return;
    if (this.#timer && delay > 0) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.flush(), delay);
    this.#timer.unref?.();
  }

  #drop(count: number): void {
    this.dropped += count;
    this.#droppedInOutage += count;
  }

  async #commit(): Promise<void> {
    const key = this.#key;
    if (!key || this.#pending.length === 0) return;
    const batch = this.#pending;
    const urgent = this.#urgent;
    this.#pending = [];
    this.#urgent = false;
    try {
      await this.#open();
      const bodies = batch.map((item, i) => entryBody(this.#seq + 1 + i, item.ts, item.kind, item.tail));
      // A MAC is ~50 bytes; rotating before sealing keeps the header in the chain right before this batch.
      const estimate = bodies.reduce((sum, body) => sum + Buffer.byteLength(body) + 56, 0);
      if (this.#entriesInSegment > 0 && this.#writer!.size + estimate > this.#maxFileBytes) await this.#rotate();
      const lines: string[] = [];
      for (const body of bodies) {
        const sealed = sealLine(key, this.#prev, body);
        lines.push(sealed.line);
        this.#prev = sealed.mac;
      }
      this.#seq += bodies.length;
      this.#entriesInSegment += bodies.length;
      const data = Buffer.from(`${lines.join('\n')}\n`);
      await this.#writer!.write(data);
      this.#lastEntryMac = this.#prev;
      this.#anchor = { seq: this.#seq, entryMac: this.#prev };
      const now = Date.now();
      if (urgent || now - this.#lastSync >= SYNC_INTERVAL_MS) {
        this.#lastSync = now;
        await this.#writer!.sync();
        // Only after a sync, never before: the anchor may lag the lines on disk (a crash, a power cut) but must
        // never lead them, or a lost unsynced tail would read as tampering.
        await this.#writeAnchor();
      }
      this.written += batch.length;
      if (this.#failing) {
        this.#failing = false;
        const lost = this.#droppedInOutage;
        this.#droppedInOutage = 0;
        this.#options.onRecovered?.(lost);
      }
      this.#options.onCommit?.(() => bodies.map((body) => toEntry(JSON.parse(body) as Record<string, unknown>)));
    } catch (err) {
      this.#drop(batch.length);
      // Reopen from the file's real tail next time: the chain position is re-read and a partial write cut off.
      const writer = this.#writer;
      this.#writer = undefined;
      this.#ready = false;
      await writer?.close().catch(() => undefined);
      if (!this.#failing) {
        this.#failing = true;
        this.#options.onWriteError?.(err as Error, this.dropped);
      }
    }
  }

  /**
   * Finds where the chain stands on disk (audit-resume.ts) and opens the newest segment, or a new one after a gap.
   * Before each commit to an open segment, checks that its path still holds what this writer wrote: appending to a
   * file nobody can see any more (renamed over by `sed -i`) would lose every entry from then on.
   */
  async #open(): Promise<void> {
    let replaced: string | undefined;
    if (this.#ready && this.#writer) {
      if (!(await this.#writer.changed?.().catch(() => false))) return;
      replaced = segmentName(this.#segment);
      const stale = this.#writer;
      this.#writer = undefined;
      this.#ready = false;
      await stale.close().catch(() => undefined);
    }
    // Reopening a log this process was writing: what it committed itself counts as much as the anchor file.
    const committed = this.#anchor?.seq;
    const point = await findResumePoint(this.#storage, committed);
    this.#segment = point.segment;
    this.#seq = point.seq;
    this.#prev = point.prev;
    this.#lastEntryMac = point.entryMac;
    this.#entriesInSegment = point.entriesInSegment;
    this.#retainFrom = point.retainFrom;
    const gap = point.gap && committed !== undefined ? { ...point.gap, running: true as const } : point.gap;
    const { deleted } = point;
    if (gap || deleted) {
      // L2, L5: appending right after the cut would hide it for good. A new segment whose sealed header records the
      // gap, numbered past the anchor's entry, keeps `audit verify` naming it; `onGap` reports it now.
      if (gap && gap.upTo !== null) this.#seq = gap.upTo;
      await this.#rotate({ gap, deleted });
      if (deleted) this.#options.onGap?.(deleted);
      if (gap) this.#options.onGap?.(gap);
    } else if (point.append) {
      this.#writer = await this.#storage.open(point.segment);
    } else {
      await this.#rotate();
    }
    this.#ready = true;
    if (replaced && !gap && !deleted) this.#options.onReplaced?.(replaced);
  }

  /** Overwrites the anchor with the last committed entry; best effort (verify tolerates one that lags). */
  async #writeAnchor(): Promise<void> {
    if (!this.#key) return;
    await this.#storage.writeAnchor(sealAnchor(this.#key, { seq: this.#seq, entryMac: this.#lastEntryMac })).catch(() => undefined);
    this.#anchoredSeq = this.#seq;
  }

  /**
   * Starts the next segment with a sealed header (recording `found` gaps, if any) and applies retention. The header
   * names the oldest segment retention keeps, so deleting older files than retention would is evident (L5).
   */
  async #rotate(found: { gap?: AuditGap | undefined; deleted?: SegmentGap | undefined } = {}): Promise<void> {
    const old = this.#writer;
    this.#writer = undefined;
    await old?.sync().catch(() => undefined);
    await old?.close().catch(() => undefined);
    // The anchor first: an anchored header on disk then always means an anchor was written, so a missing one is evidence.
    await this.#writeAnchor();
    this.#segment += 1;
    const writer = await this.#storage.open(this.#segment);
    this.#retainFrom = retainFromFor(this.#segment, this.#maxFiles, this.#retainFrom);
    const sealed = sealLine(this.#key!, this.#prev, headerBody(this.#segment, this.#seq + 1, this.#prev, { retainFrom: this.#retainFrom, ...found }));
    await writer.write(Buffer.from(`${sealed.line}\n`));
    this.#prev = sealed.mac;
    this.#entriesInSegment = 0;
    this.#writer = writer;
    for (const n of await this.#storage.list()) {
      if (n < this.#retainFrom) await this.#storage.remove(n);
    }
  }
}
