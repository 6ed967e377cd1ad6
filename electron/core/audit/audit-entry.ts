/** Building and sealing audit lines: secret-free fields, query names only, and the HMAC chain (SECURITY L1, L2). */
import { createHash, type Hash } from 'node:crypto';
import type { AuditEntry } from '../../../shared/audit-model.ts';

/** An entry before the log numbers and seals it. */
export type AuditRecord = Omit<AuditEntry, 'seq' | 'ts'> & { ts?: string };

/** The first line of every segment file: where the chain continues from, so retention can drop older files (L2). */
export interface SegmentHeader {
  segment: number;
  /** seq of the first entry that follows in this file. */
  next: number;
  /** MAC of the entry before this file ('' at the very start of the log). */
  prev: string;
  /** Written by a writer that keeps the anchor file (audit-anchor.ts), so a missing anchor is evidence. */
  anchored?: true;
  /**
   * The lowest segment number that must still be on disk: retention (max files) may have deleted only older ones
   * (L5). Absent in headers written before it existed; such logs are checked without it.
   */
  retainFrom?: number;
  /** Entries the writer found removed when it reopened the log. */
  gap?: AuditGap;
  /** Oldest segments the writer found deleted, though retention had to keep them, when it reopened the log. */
  deleted?: SegmentGap;
  mac: string;
}

/** Segments `from` to `to` are gone though the newest header's `retainFrom` says they must exist (L5). */
export interface SegmentGap {
  from: number;
  to: number;
  /** seq of the first entry left after them (null when the oldest remaining segment has no readable header). */
  before: number | null;
}

/** Entries after `after` are gone: up to `upTo` by the anchor, or an unknown number when the anchor was deleted (L2). */
export interface AuditGap {
  after: number;
  upTo: number | null;
  /** Found by an owner that had itself written up to `upTo` (its open file was replaced or cut), not while starting. */
  running?: true;
}

/** A segment's file name (audit-files.ts lists them); here because gaps name segments too. */
export function segmentName(n: number): string {
  return `audit-${String(n).padStart(6, '0')}.jsonl`;
}

/** `audit-000001.jsonl`, or `audit-000001.jsonl to audit-000003.jsonl`. */
export function segmentRange(from: number, to: number): string {
  return from === to ? segmentName(from) : `${segmentName(from)} to ${segmentName(to)}`;
}

/** One wording for a gap, used by the alert the owner raises and by `audit verify` naming the sealed header. */
export function describeGap(gap: AuditGap | SegmentGap): string {
  if ('from' in gap) {
    const one = gap.from === gap.to;
    const lost = gap.before === null ? '' : ` (entries before #${gap.before} are gone)`;
    return `Audit ${one ? 'segment' : 'segments'} ${segmentRange(gap.from, gap.to)} ${one ? 'was' : 'were'} deleted, though retention had to keep ${one ? 'it' : 'them'}${lost}`;
  }
  if (gap.upTo === null) return `The audit anchor was deleted while Tokenwarden was not running, so entries after #${gap.after} may have been removed`;
  const range = gap.upTo === gap.after + 1 ? `Audit entry #${gap.upTo} was` : `Audit entries #${gap.after + 1} to #${gap.upTo} were`;
  // A running owner knows what it wrote itself, so no crash explains it: the file changed under it.
  if (gap.running) return `${range} removed while Tokenwarden was running (the log file was replaced or cut under the owner writing it)`;
  return `${range} removed while Tokenwarden was not running (or lost in a system crash)`;
}

export const EMPTY: Omit<AuditEntry, 'seq' | 'ts' | 'kind'> = {
  credential: null,
  key: null,
  mode: null,
  method: null,
  origin: null,
  path: null,
  status: null,
  durationMs: null,
  bytesIn: null,
  bytesOut: null,
  code: null,
  client: null,
  action: null,
  outcome: null,
  detail: null,
  alert: null,
};

/**
 * `/v1/items?api_key=SECRET&page=2` -> `/v1/items?api_key&page`: query values may carry secrets, names rarely do.
 * A fragment never reaches the proxy; anything after `#` is dropped anyway.
 */
export function pathWithQueryNames(path: string): string {
  const hash = path.indexOf('#');
  const clean = hash < 0 ? path : path.slice(0, hash);
  const q = clean.indexOf('?');
  if (q < 0) return clean.slice(0, 2048);
  const names: string[] = [];
  for (const part of clean.slice(q + 1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    names.push(eq < 0 ? part : part.slice(0, eq));
  }
  return `${clean.slice(0, q)}${names.length ? `?${names.join('&')}` : ''}`.slice(0, 2048);
}

/**
 * HMAC-SHA256 (RFC 2104) with the key's inner and outer pad blocks absorbed once, so sealing a line costs two hash
 * copies. `createHmac` re-validates its key on every call, and in a busy owner that check (isKeyObject/isCryptoKey
 * on a call site that also sees KeyObjects) showed up as ~10 µs per entry in a --cpu-prof of the daemon.
 */
export class MacKey {
  readonly #inner: Hash;
  readonly #outer: Hash;

  constructor(key: Buffer) {
    const block = Buffer.alloc(64);
    (key.length > 64 ? createHash('sha256').update(key).digest() : key).copy(block);
    const pad = (byte: number): Buffer => Buffer.from(block.map((b) => b ^ byte));
    this.#inner = createHash('sha256').update(pad(0x36));
    this.#outer = createHash('sha256').update(pad(0x5c));
  }

  /** The MAC input is the previous MAC and the exact JSON text of the line without its own MAC. */
  mac(prev: string, body: string): string {
    const inner = this.#inner.copy().update(prev).update('\n').update(body).digest();
    return this.#outer.copy().update(inner).digest('base64url');
  }
}

/** `{"seq":…,…}` -> `{"seq":…,…,"mac":"…"}`: the MAC is always the last field, so the body is the line minus it. */
export function sealLine(key: MacKey, prev: string, body: string): { line: string; mac: string } {
  const mac = key.mac(prev, body);
  return { line: `${body.slice(0, -1)},"mac":"${mac}"}`, mac };
}

/** Splits a sealed line into the body that was MACed and the MAC; undefined when the line has no MAC at its end. */
export function unsealLine(line: string): { body: string; mac: string } | undefined {
  const match = /,"mac":"([A-Za-z0-9_-]{43})"\}$/.exec(line);
  if (!match) return undefined;
  return { body: `${line.slice(0, match.index)}}`, mac: match[1]! };
}

/** What a header seals besides its chain position. */
export interface HeaderSeal {
  retainFrom: number;
  gap?: AuditGap | undefined;
  deleted?: SegmentGap | undefined;
}

/**
 * `gap` and `deleted`: entries and segments found removed when the writer reopened the log (L2, L5), sealed here
 * so `verify` keeps naming them.
 */
export function headerBody(segment: number, next: number, prev: string, seal: HeaderSeal): string {
  const { retainFrom, gap, deleted } = seal;
  return JSON.stringify({ segment, next, prev, anchored: true, retainFrom, ...(gap ? { gap } : {}), ...(deleted ? { deleted } : {}) });
}

/** A header line's fields, or undefined when `line` is not a segment header. */
export function parseHeader(line: string): Omit<SegmentHeader, 'mac'> | undefined {
  const sealed = unsealLine(line);
  if (!sealed) return undefined;
  try {
    const value = JSON.parse(sealed.body) as Partial<SegmentHeader>;
    if (typeof value.next !== 'number' || typeof value.prev !== 'string' || typeof value.segment !== 'number') return undefined;
    // Read before its MAC is checked (the writer has no key at that point): a malformed claim counts as none.
    if (value.retainFrom !== undefined && !(Number.isInteger(value.retainFrom) && value.retainFrom >= 1)) delete value.retainFrom;
    return value as SegmentHeader;
  } catch {
    return undefined;
  }
}

/**
 * A record's set fields as JSON, without `ts`, `seq` and `kind`: what a queued entry keeps until its group commit.
 * One string per entry instead of a record object graph, because queued entries outlive a few young-generation
 * collections and the objects' promotion showed as extra GC time per request with the audit on.
 */
export function recordTail(record: AuditRecord): string {
  const out: Record<string, unknown> = {};
  for (const name in record) {
    if (name === 'ts' || name === 'kind') continue;
    const value = record[name as keyof AuditRecord];
    if (value !== null && value !== undefined) out[name] = value;
  }
  return JSON.stringify(out);
}

/**
 * The line's text: `ts`, `seq` and `kind` first so readers can filter by time without parsing, then the set fields
 * (fields that do not apply are left out to keep lines short; `toEntry` puts them back as null).
 */
export function entryBody(seq: number, ts: string, kind: string, tail: string): string {
  const head = `{"ts":${JSON.stringify(ts)},"seq":${seq},"kind":${JSON.stringify(kind)}`;
  return tail === '{}' ? `${head}}` : `${head},${tail.slice(1)}`;
}

/** A parsed body back to a full entry, with every absent field null. */
export function toEntry(parsed: Record<string, unknown>): AuditEntry {
  const { ts, seq, kind, ...rest } = parsed;
  return { ts, seq, kind, ...EMPTY, ...rest } as AuditEntry;
}
