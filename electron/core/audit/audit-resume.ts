/**
 * Where an existing audit log stands on disk, before the writer appends to it: the newest segment's last line
 * (a torn one cut off), the chain position, and whether the anchor says newer entries were removed while no owner
 * ran (SECURITY L2). Kept apart from the writer so that the crash and tampering cases read as one decision.
 */
import { readAnchorText } from './audit-anchor.ts';
import { parseHeader, unsealLine, type AuditGap, type SegmentGap } from './audit-entry.ts';
import type { AuditStorage } from './audit-files.ts';
import { retentionState } from './audit-retention.ts';

export interface ResumePoint {
  /** The newest segment's number (0 when there is none). */
  segment: number;
  /** seq of the last entry on disk. */
  seq: number;
  /** MAC of the last line (entry or header), which the next line chains from. */
  prev: string;
  /** MAC of the last entry, which the anchor is sealed over. */
  entryMac: string;
  /** Entries in the newest segment (0 or at least 1: only "any" matters, for rotation). */
  entriesInSegment: number;
  /** Append to `segment` (false: start a new one, because there is none or its last line is damaged). */
  append: boolean;
  gap?: AuditGap;
  /** The `retainFrom` the next header may not go below (audit-retention.ts). */
  retainFrom: number;
  /** L5: the oldest segments were deleted though the newest header says retention keeps them. */
  deleted?: SegmentGap;
}

/**
 * The newest header's retention claim against the oldest segment on disk. A log whose headers predate the claim
 * is taken as it is: its oldest segment on disk becomes the floor, so nothing it already lost reads as tampering.
 */
async function retentionAt(storage: AuditStorage, segments: number[]): Promise<{ header: ReturnType<typeof parseHeader>; retainFrom: number; deleted?: SegmentGap }> {
  const oldest = segments[0]!;
  const header = parseHeader(await storage.firstLine(segments.at(-1)!).catch(() => ''));
  const { deleted } = retentionState(oldest, header?.retainFrom, null);
  // Sealed by the next header, so the floor moves up to what is on disk: the deletion is reported once.
  const retainFrom = Math.max(header?.retainFrom ?? 0, oldest);
  if (!deleted) return { header, retainFrom };
  const first = parseHeader(await storage.firstLine(oldest).catch(() => ''));
  return { header, retainFrom, deleted: { ...deleted, before: first?.next ?? null } };
}

async function readAnchorSeq(storage: AuditStorage): Promise<number | undefined> {
  const text = await storage.readAnchor().catch(() => undefined);
  return text === undefined ? undefined : readAnchorText(text)?.seq;
}

/**
 * `committed`: the last seq this process itself wrote, when it reopens a log it was writing. It counts like the
 * anchor, which a copied-back older anchor could otherwise lower.
 */
export async function findResumePoint(storage: AuditStorage, committed?: number): Promise<ResumePoint> {
  const onDisk = await readAnchorSeq(storage);
  const anchored = committed === undefined ? onDisk : Math.max(onDisk ?? 0, committed);
  const segments = await storage.list();
  // A kill inside the writer's rotation can leave the newest segment empty: it held nothing, so resume before it.
  while (segments.length > 0 && (await storage.tail(segments.at(-1)!)).size === 0) await storage.remove(segments.pop()!);
  const last = segments.at(-1);
  if (last === undefined) {
    // No files, yet an anchor names entries: every segment was deleted.
    return { segment: 0, seq: 0, prev: '', entryMac: '', entriesInSegment: 0, append: false, retainFrom: 1, ...(anchored ? { gap: { after: 0, upTo: anchored } } : {}) };
  }
  const { header, ...retention } = await retentionAt(storage, segments);
  const { text, size } = await storage.tail(last);
  const end = text.lastIndexOf('\n');
  if (end < text.length - 1) await storage.truncate(last, size - Buffer.byteLength(text.slice(end + 1)));
  const line = end < 0 ? '' : text.slice(text.lastIndexOf('\n', end - 1) + 1, end);
  const sealed = unsealLine(line);
  let parsed: { seq?: number; next?: number; prev?: string } | undefined;
  try {
    parsed = sealed ? (JSON.parse(sealed.body) as typeof parsed) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!sealed || !parsed) {
    // A damaged last line: start a fresh segment rather than append after it, numbered after the anchor's entry
    // so that no seq is used twice. The chain break itself is what `verify` reports.
    return { segment: last, seq: anchored ?? 0, prev: '', entryMac: '', entriesInSegment: 0, append: false, ...retention };
  }
  const isEntry = parsed.seq !== undefined;
  const seq = parsed.seq ?? (parsed.next ?? 1) - 1;
  const point: ResumePoint = { segment: last, seq, prev: sealed.mac, entryMac: isEntry ? sealed.mac : (parsed.prev ?? ''), entriesInSegment: isEntry ? 1 : 0, append: true, ...retention };
  if (anchored !== undefined) return anchored > seq ? { ...point, gap: { after: seq, upTo: anchored } } : point;
  // No anchor, though a writer that keeps one wrote this segment (it writes the anchor before such a header).
  return header?.anchored ? { ...point, gap: { after: seq, upTo: null } } : point;
}
