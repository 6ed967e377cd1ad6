/**
 * The append-only audit writer: entries queue in memory and are committed in groups, sealed with an HMAC chain.
 * It never blocks or fails the caller: a write error drops the batch, counts it and reports it once (SECURITY L3).
 */
import type { AuditEntry } from '../../../shared/audit-model.ts';
import { readAnchorText, sealAnchor, type Anchor } from './audit-anchor.ts';
import { entryBody, headerBody, MacKey, parseHeader, recordTail, sealLine, toEntry, unsealLine, type AuditRecord } from './audit-entry.ts';
import type { AuditStorage, SegmentWriter } from './audit-files.ts';

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
   */
  onGap?: (gap: { after: number; upTo: number | null }) => void;
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
  #ready = false;
  #lastSync = 0;
  #failing = false;
  #droppedInOutage = 0;
  #closed = false;
  /** The last entry this process committed, for the anchor and for `verify` while running. */
  #anchor: Anchor | undefined;
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
    this.#closed = true;
    await this.flush();
    await this.#chain;
    const writer = this.#writer;
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
      const now = Date.now();
      if (urgent || now - this.#lastSync >= SYNC_INTERVAL_MS) {
        this.#lastSync = now;
        await this.#writer!.sync();
      }
      // After the lines, never before: an anchor may lag the segments (a crash between the writes) but never lead them.
      this.#anchor = { seq: this.#seq, entryMac: this.#prev };
      await this.#storage.writeAnchor(sealAnchor(key, this.#anchor)).catch(() => undefined);
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

  /** Finds where the chain stands on disk, cuts a torn last line, and opens the newest segment for appending. */
  async #open(): Promise<void> {
    if (this.#ready && this.#writer) return;
    const segments = await this.#storage.list();
    const last = segments.at(-1);
    if (last === undefined) {
      this.#segment = 0;
      this.#seq = 0;
      this.#prev = '';
      await this.#rotate();
      this.#ready = true;
      return;
    }
    const { text, size } = await this.#storage.tail(last);
    const end = text.lastIndexOf('\n');
    if (end < text.length - 1) await this.#storage.truncate(last, size - Buffer.byteLength(text.slice(end + 1)));
    const before = text.lastIndexOf('\n', end - 1);
    const line = end < 0 ? '' : text.slice(before + 1, end);
    const sealed = unsealLine(line);
    const parsed = sealed ? (JSON.parse(sealed.body) as { seq?: number; next?: number }) : undefined;
    this.#segment = last;
    if (!sealed || !parsed) {
      // An empty or unreadable newest segment: start a fresh one rather than append after damage, numbered after
      // the last entry the anchor knows of, so no seq is ever used twice.
      const anchor = await this.#readAnchor();
      if (anchor && anchor.seq > this.#seq) this.#seq = anchor.seq;
      await this.#rotate();
    } else {
      this.#seq = parsed.seq ?? (parsed.next ?? 1) - 1;
      this.#prev = sealed.mac;
      this.#entriesInSegment = parsed.seq === undefined ? 0 : 1;
      this.#writer = await this.#storage.open(last);
      await this.#resumeAfterGap(last);
    }
    this.#ready = true;
  }

  /**
   * L2: when the anchor names a later entry than the segments end with, the newest lines were removed while no
   * owner ran. Appending right after them would hide that for good, so the next entry starts a new segment
   * numbered past the anchor: `audit verify` keeps naming the gap, and `onGap` reports it now.
   */
  async #resumeAfterGap(segment: number): Promise<void> {
    const anchor = await this.#readAnchor();
    if (anchor) {
      if (anchor.seq <= this.#seq) return;
      const after = this.#seq;
      this.#seq = anchor.seq;
      await this.#rotate();
      this.#options.onGap?.({ after, upTo: anchor.seq });
      return;
    }
    // No anchor, but this segment was written by a writer that keeps one and holds entries: it was deleted.
    const header = parseHeader(await this.#storage.firstLine(segment).catch(() => ''));
    if (header?.anchored && this.#seq >= header.next) this.#options.onGap?.({ after: this.#seq, upTo: null });
  }

  async #readAnchor(): Promise<{ seq: number } | undefined> {
    const text = await this.#storage.readAnchor().catch(() => undefined);
    return text === undefined ? undefined : readAnchorText(text);
  }

  /** Starts the next segment with a sealed header and applies retention. */
  async #rotate(): Promise<void> {
    const old = this.#writer;
    this.#writer = undefined;
    await old?.sync().catch(() => undefined);
    await old?.close().catch(() => undefined);
    this.#segment += 1;
    const writer = await this.#storage.open(this.#segment);
    const sealed = sealLine(this.#key!, this.#prev, headerBody(this.#segment, this.#seq + 1, this.#prev));
    await writer.write(Buffer.from(`${sealed.line}\n`));
    this.#prev = sealed.mac;
    this.#entriesInSegment = 0;
    this.#writer = writer;
    for (const n of await this.#storage.list()) {
      if (n <= this.#segment - this.#maxFiles) await this.#storage.remove(n);
    }
  }
}
