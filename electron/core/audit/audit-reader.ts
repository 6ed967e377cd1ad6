/** Reading the audit log: filtered queries (fast enough for 1,000,000 entries) and chain verification (SECURITY L2). */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry, AuditKind, AuditQuery, AuditQueryResult, AuditVerifyResult } from '../../../shared/audit-model.ts';
import { ANCHOR_FILE, anchorMatches, readAnchorText, type Anchor } from './audit-anchor.ts';
import { describeGap, MacKey, parseHeader, toEntry, unsealLine, type SegmentHeader } from './audit-entry.ts';
import { listSegments, readAnchorFile, readSegmentFirstLine, segmentName } from './audit-files.ts';
import { describeDropped, retentionState, type RetentionState } from './audit-retention.ts';
import { parseSince } from './since.ts';
import type { StatsAccumulator } from './stats.ts';

export interface EntryFilter {
  /** ISO instant; entries before it are skipped. */
  since?: string;
  name?: string;
  status?: (status: number | null) => boolean;
  kind?: AuditKind;
}

/** `4xx,429` -> a predicate over a status. */
export function statusPredicate(spec: string): (status: number | null) => boolean {
  const parts = spec.split(',');
  return (status) => {
    if (status === null) return false;
    const text = String(status);
    return parts.some((p) => (p.endsWith('xx') ? text[0] === p[0] : text === p));
  };
}

export function filterOf(query: AuditQuery, now: number): EntryFilter {
  return {
    ...(query.since ? { since: parseSince(query.since, now).toISOString() } : {}),
    ...(query.name ? { name: query.name } : {}),
    ...(query.status ? { status: statusPredicate(query.status) } : {}),
    ...(query.kind ? { kind: query.kind } : {}),
  };
}

/** Entry lines start with `{"ts":"<24-char ISO>"`, so time filtering needs no JSON parse. */
const TS_START = 7;
const TS_END = 31;

/**
 * Calls `onLine` for every entry line that can match `filter`, oldest first, with a cheap pre-filter:
 * segments last written before `since` are skipped by their mtime, and lines by their `ts` prefix.
 */
export async function scanLines(dir: string, filter: EntryFilter, onLine: (line: string) => void): Promise<number> {
  let scanned = 0;
  const sinceMs = filter.since ? Date.parse(filter.since) : undefined;
  const nameNeedle = filter.name ? `"credential":${JSON.stringify(filter.name)}` : undefined;
  for (const n of await listSegments(dir)) {
    const path = join(dir, segmentName(n));
    if (sinceMs !== undefined) {
      const info = await stat(path).catch(() => undefined);
      if (!info || info.mtimeMs < sinceMs) continue;
    }
    const text = await readFile(path, 'utf8').catch(() => '');
    let start = 0;
    while (start < text.length) {
      let end = text.indexOf('\n', start);
      if (end < 0) end = text.length;
      const line = text.slice(start, end);
      start = end + 1;
      if (line.charCodeAt(2) !== 0x74 /* t of "ts" */) continue; // segment headers and blank lines
      scanned++;
      if (filter.since && line.slice(TS_START, TS_END) < filter.since) continue;
      if (nameNeedle && !line.includes(nameNeedle)) continue;
      onLine(line);
    }
  }
  return scanned;
}

/** A line to a full entry without its MAC; undefined for damaged lines. */
export function parseLine(line: string): AuditEntry | undefined {
  const sealed = unsealLine(line);
  try {
    return toEntry(JSON.parse(sealed ? sealed.body : line) as Record<string, unknown>);
  } catch {
    return undefined;
  }
}

function matches(entry: AuditEntry, filter: EntryFilter): boolean {
  if (filter.kind && entry.kind !== filter.kind) return false;
  if (filter.name && entry.credential !== filter.name) return false;
  if (filter.status && !filter.status(entry.status)) return false;
  return true;
}

/** Streams every matching entry, oldest first. */
export async function forEachEntry(dir: string, filter: EntryFilter, onEntry: (entry: AuditEntry) => void): Promise<number> {
  let matched = 0;
  await scanLines(dir, filter, (line) => {
    const entry = parseLine(line);
    if (entry && matches(entry, filter)) {
      matched++;
      onEntry(entry);
    }
  });
  return matched;
}

/**
 * Feeds every request line in [since, until) to `stats`, with one JSON.parse per request line and no full entry:
 * statistics need five fields, and building a 17-field AuditEntry per line (after a regex to split off the MAC)
 * made `tkw stats` over a million entries take ~11 s. The MAC field parsed along is simply ignored.
 */
export async function addRequestStats(dir: string, stats: StatsAccumulator, since: string, until?: string): Promise<void> {
  await scanLines(dir, { since }, (line) => {
    if (!line.includes('"kind":"request"')) return;
    let e: Partial<AuditEntry>;
    try {
      e = JSON.parse(line) as Partial<AuditEntry>;
    } catch {
      return;
    }
    if (e.kind !== 'request' || typeof e.ts !== 'string' || (until !== undefined && e.ts >= until)) return;
    stats.add({ kind: 'request', credential: e.credential ?? null, status: e.status ?? null, durationMs: e.durationMs ?? null, path: e.path ?? null }, e.ts);
  });
}

/**
 * The most recent `limit` matching entries (default 100, 0 = all), oldest first. With a limit the segments are
 * read newest first and the scan stops once enough entries matched or the lines fall before `since`, so
 * `--since 1h` over a million entries costs about one segment; `matched` then counts what the scan saw.
 */
export async function queryAudit(dir: string, query: AuditQuery = {}, now = Date.now()): Promise<AuditQueryResult> {
  const filter = filterOf(query, now);
  const limit = query.limit ?? 100;
  if (limit === 0) {
    const entries: AuditEntry[] = [];
    const matched = await forEachEntry(dir, filter, (entry) => entries.push(entry));
    return { entries, matched, scanned: matched };
  }
  // Entries are appended in time order give or take the client-process lookup (< 1 s), hence the slack.
  const stopBefore = filter.since ? new Date(Date.parse(filter.since) - 5_000).toISOString() : undefined;
  const nameNeedle = filter.name ? `"credential":${JSON.stringify(filter.name)}` : undefined;
  const found: AuditEntry[] = [];
  let scanned = 0;
  const segments = await listSegments(dir);
  outer: for (let s = segments.length - 1; s >= 0; s--) {
    const text = await readFile(join(dir, segmentName(segments[s]!)), 'utf8').catch(() => '');
    let end = text.length;
    while (end > 0) {
      const start = text.lastIndexOf('\n', end - 1) + 1;
      const line = text.slice(start, end);
      end = start - 1;
      if (line.charCodeAt(2) !== 0x74 /* t of "ts" */) continue;
      scanned++;
      const ts = line.slice(TS_START, TS_END);
      if (stopBefore && ts < stopBefore) break outer;
      if (filter.since && ts < filter.since) continue;
      if (nameNeedle && !line.includes(nameNeedle)) continue;
      const entry = parseLine(line);
      if (!entry || !matches(entry, filter)) continue;
      found.push(entry);
      if (found.length >= limit) break outer;
    }
  }
  return { entries: found.reverse(), matched: found.length, scanned };
}

/**
 * L5: the newest segment's header names the oldest segment retention keeps. A header seals its own `prev`, so its
 * MAC is checked here on its own; one that fails is left for the chain walk to name. Empty for older logs.
 */
async function retentionOf(dir: string, key: MacKey, segments: number[]): Promise<RetentionState & { by?: number }> {
  const oldest = segments[0];
  if (oldest === undefined) return {};
  // An empty newest file (a kill inside a rotation) has no header yet: the one before it speaks.
  let line = '';
  let by = segments.length;
  while (line === '' && by > 0) line = await readSegmentFirstLine(dir, segments[--by]!);
  const header = parseHeader(line);
  const sealed = unsealLine(line);
  if (!header || !sealed || key.mac(header.prev, sealed.body) !== sealed.mac) return {};
  const state = retentionState(oldest, header.retainFrom, null);
  if (!state.deleted) return state;
  const first = parseHeader(await readSegmentFirstLine(dir, oldest));
  return { ...state, deleted: { ...state.deleted, before: first?.next ?? null }, by: segments[by]! };
}

/**
 * Recomputes the chain. Each segment starts with a sealed header naming the MAC it continues from and the oldest
 * segment retention keeps, so files dropped by retention are fine, but older files deleted early, a changed byte,
 * a removed line or two swapped lines stop verification. The end is checked against `running` (the owner's own
 * last commit) or else the anchor file, so removing the newest lines is evident too.
 */
export async function verifyAudit(dir: string, secret: Buffer, running?: Anchor): Promise<AuditVerifyResult> {
  const key = new MacKey(secret);
  // Read before the segments: the writer updates it after them, so it can only be behind what is read next.
  // Blank counts as missing: that is what a crash right after creating the file leaves.
  const anchorText = running ? undefined : (await readAnchorFile(dir))?.trim() || undefined;
  const anchor = anchorText === undefined ? undefined : readAnchorText(anchorText);
  if (anchorText !== undefined && !anchor) {
    return { intact: false, entries: 0, problem: { file: ANCHOR_FILE, line: 1, seq: null, reason: 'changed', message: 'The audit anchor was changed: it is not a sealed anchor.' } };
  }
  const target = running?.seq ?? anchor?.seq;
  let targetMac: string | undefined;
  let lastFile = '';
  let lastLine = 0;
  let lastSeq = 0;
  let newest: { anchored: boolean; next: number } | undefined;
  let prev: string | undefined;
  let expected: number | undefined;
  let entries = 0;
  const fail = (file: string, line: number, seq: number | null, reason: NonNullable<AuditVerifyResult['problem']>['reason'], message: string): AuditVerifyResult => ({
    intact: false,
    entries,
    problem: { file, line, seq, reason, message },
  });
  const segments = await listSegments(dir);
  const retention = await retentionOf(dir, key, segments);
  if (retention.deleted) {
    const { from } = retention.deleted;
    return {
      ...fail(segmentName(from), 1, null, 'removed', `${describeGap(retention.deleted)}: ${segmentName(retention.by!)} keeps every segment from ${segmentName(from)} on, but the oldest left is ${segmentName(segments[0]!)}; ${describeDropped(retention.dropped)}.`),
      ...(retention.dropped ? { dropped: retention.dropped } : {}),
    };
  }
  for (const n of segments) {
    const file = segmentName(n);
    const text = await readFile(join(dir, file), 'utf8');
    const lines = text.split('\n');
    if (lines.at(-1) === '') lines.pop();
    const parsed = lines.map((line) => {
      const sealed = unsealLine(line);
      if (!sealed) return undefined;
      try {
        return { ...sealed, value: JSON.parse(sealed.body) as { seq?: number; ts?: string } & Partial<SegmentHeader> };
      } catch {
        return undefined;
      }
    });
    const seqs = new Set(parsed.map((p) => p?.value.seq).filter((s): s is number => typeof s === 'number'));
    for (let i = 0; i < lines.length; i++) {
      const at = i + 1;
      const item = parsed[i];
      const where = `${file} line ${at}`;
      if (!item) return fail(file, at, expected ?? null, 'changed', `The line at ${where} was changed: it is not a sealed audit entry.`);
      const { value, body, mac } = item;
      if (i === 0) {
        if (typeof value.next !== 'number' || typeof value.prev !== 'string') {
          return fail(file, at, null, 'missing-start', `${where} should start the segment; its first line was removed or changed.`);
        }
        if (key.mac(value.prev, body) !== mac) return fail(file, at, null, 'changed', `The segment header at ${where} was changed.`);
        newest = { anchored: value.anchored === true, next: value.next };
        if (value.deleted) return fail(file, at, null, 'removed', `${describeGap(value.deleted)}; found when the log was reopened at ${where}.`);
        if (value.gap) return fail(file, at, value.gap.after + 1, 'removed', `${describeGap(value.gap)}; found when the log was reopened at ${where}.`);
        if (prev !== undefined && (value.prev !== prev || value.next !== expected)) {
          const missing = expected ?? value.next;
          return fail(file, at, missing, 'removed', `Entry #${missing} is missing before ${where}: entries were removed.`);
        }
        prev = mac;
        expected = value.next;
        continue;
      }
      const seq = typeof value.seq === 'number' ? value.seq : null;
      const label = `entry #${seq ?? '?'} (${where}${value.ts ? `, ${value.ts}` : ''})`;
      if (seq !== expected) {
        if (seq !== null && expected !== undefined && (seq < expected || seqs.has(expected))) {
          return fail(file, at, seq, 'reordered', `The log was reordered at ${label}: entry #${expected} was expected.`);
        }
        if (seq !== null && expected !== undefined && seq > expected) {
          return fail(file, at, expected, 'removed', `Entry #${expected} was removed: ${label} follows #${expected - 1}.`);
        }
        return fail(file, at, seq, 'changed', `${label} was changed.`);
      }
      if (key.mac(prev!, body) !== mac) return fail(file, at, seq, 'changed', `${label} was changed.`);
      prev = mac;
      expected = seq! + 1;
      entries++;
      if (seq === target) targetMac = mac;
      [lastFile, lastLine, lastSeq] = [file, at, seq!];
    }
  }
  if (target !== undefined && target > lastSeq) {
    const from = lastSeq + 1;
    const range = target === from ? `Entry #${from} was` : `Entries #${from} to #${target} were`;
    return fail(lastFile || ANCHOR_FILE, lastLine + 1, from, 'removed', `${range} removed from the end of the log (the last entry left is #${lastSeq}).`);
  }
  if (running && targetMac !== undefined && targetMac !== running.entryMac) return fail(lastFile, lastLine, target!, 'changed', `Entry #${target} was changed.`);
  if (anchor && targetMac !== undefined && !anchorMatches(key, anchor, targetMac)) {
    return fail(ANCHOR_FILE, 1, anchor.seq, 'changed', `The audit anchor does not match entry #${anchor.seq}: the anchor or that entry was replaced.`);
  }
  // A writer that keeps an anchor writes it before such a header, yet there is none: it was deleted, perhaps
  // together with the newest lines.
  if (!running && anchorText === undefined && newest?.anchored) {
    return fail(ANCHOR_FILE, 1, null, 'removed', `The audit anchor is missing, so entries after #${lastSeq} may have been removed.`);
  }
  return { intact: true, entries, problem: null, ...(retention.dropped ? { dropped: retention.dropped } : {}) };
}
