/**
 * Which segments retention may have deleted (SECURITY L5). Each segment header seals `retainFrom`, the lowest
 * segment number that must still be on disk when the header was written. Without it, a log whose oldest files were
 * deleted verifies like one whose files retention dropped: either way the chain simply starts later.
 */
import { segmentRange, type SegmentGap } from './audit-entry.ts';

/**
 * `retainFrom` for segment `segment`'s header: what `maxFiles` keeps, never below the previous header's value
 * (`floor`), because segments dropped under a smaller limit do not come back when the limit is raised, and never
 * above the segment itself, which retention then deletes.
 */
export function retainFromFor(segment: number, maxFiles: number, floor: number): number {
  return Math.min(segment, Math.max(1, segment - maxFiles + 1, floor));
}

/** A log on disk measured against its newest header's `retainFrom`. */
export interface RetentionState {
  /** Segments below the oldest on disk that retention was allowed to delete: expected, not a problem. */
  dropped?: { from: number; to: number };
  /** Segments that had to be kept and are gone. */
  deleted?: SegmentGap;
}

/**
 * `oldest`: the oldest segment on disk. `retainFrom`: the newest header's; undefined for a log written before the
 * field existed, which is taken as it is (nothing says what retention dropped). `before`: seq of the first entry
 * in `oldest`, for naming what the deleted segments held.
 */
export function retentionState(oldest: number, retainFrom: number | undefined, before: number | null): RetentionState {
  if (retainFrom === undefined) return {};
  const keptFrom = Math.min(oldest, retainFrom);
  return {
    ...(keptFrom > 1 ? { dropped: { from: 1, to: keptFrom - 1 } } : {}),
    ...(oldest > retainFrom ? { deleted: { from: retainFrom, to: oldest - 1, before } } : {}),
  };
}

/** `retention dropped audit-000001.jsonl to audit-000004.jsonl, as its limit allows`, or that it dropped none. */
export function describeDropped(dropped: RetentionState['dropped']): string {
  return dropped ? `retention dropped ${segmentRange(dropped.from, dropped.to)}, as its limit allows` : 'retention had dropped no segment';
}
