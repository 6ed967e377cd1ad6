/**
 * The audit anchor (SECURITY L2): a one-line record beside the segments naming the last committed entry, sealed
 * with the chain key over that entry's MAC. The chain alone proves that no entry was changed, removed or moved
 * *before* the last line it finds; only something outside the segments can say how far the log really went, so
 * that removing the newest lines is evident too. The writer rewrites it after every synced group commit.
 */
import { sealLine, unsealLine, type MacKey } from './audit-entry.ts';

export const ANCHOR_FILE = 'anchor';

/** Fixed width, overwritten in place: one small write, and never a moment when the file is empty. */
const ANCHOR_BYTES = 160;

export interface Anchor {
  /** seq of the last committed entry. */
  seq: number;
  /** MAC of that entry: what the anchor's own MAC is computed over. */
  entryMac: string;
}

function anchorBody(seq: number): string {
  return JSON.stringify({ anchor: seq });
}

/** The padded file content for `seq`, whose entry has MAC `entryMac`. */
export function sealAnchor(key: MacKey, anchor: Anchor): Buffer {
  const { line } = sealLine(key, anchor.entryMac, anchorBody(anchor.seq));
  return Buffer.from(`${line}\n`.padEnd(ANCHOR_BYTES, ' '));
}

/** The seq an anchor file names, and its MAC, before checking it; undefined when it is not an anchor at all. */
export function readAnchorText(text: string): { seq: number; body: string; mac: string } | undefined {
  const sealed = unsealLine(text.trim());
  if (!sealed) return undefined;
  try {
    const value = JSON.parse(sealed.body) as { anchor?: unknown };
    return typeof value.anchor === 'number' && Number.isInteger(value.anchor) && value.anchor >= 0 ? { seq: value.anchor, ...sealed } : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an anchor's MAC matches the entry the chain has at its seq. */
export function anchorMatches(key: MacKey, anchor: { body: string; mac: string }, entryMac: string): boolean {
  return key.mac(entryMac, anchor.body) === anchor.mac;
}
