/**
 * Path patterns (SECURITY A4): `*` matches within one segment, `**` any number of whole segments. A request path
 * is matched in every way an upstream might read it (encoded slashes split or not, `;` parameters stripped or not,
 * `//` merged or not), and it is allowed only when all of those readings match, so no reading can escape. Some
 * upstreams decode more than once (SECURITY A7), so a path that still spells a dot, slash or backslash after one
 * decoding is refused outright rather than read in yet more ways.
 */
import { hasControlChar } from '../../../shared/policy.ts';

/** Why a request path cannot be matched at all; the caller refuses the request with it. */
export type PathProblem = 'encoding' | 'dot-segment' | 'control' | 'ambiguous';

export interface NormalisedPath {
  /** Each reading of the path as decoded segments (the first is the literal one). */
  readings: string[][];
}

/**
 * A percent-encoding of ".", "/" or "\" in any case, with IIS's `%u` form and the overlong UTF-8 forms old servers
 * decoded, since an upstream that decodes again may read any of them as that character. "?" and "#" too: decoded
 * again, they would cut the path short, so `/repos/x%253f/issues/1` would reach the upstream as `/repos/x`.
 */
const ENCODED_SEPARATOR = /%(?:2e|2f|5c|3f|23)|%u00(?:2e|2f|5c|3f|23)|%c0%(?:ae|af)|%c1%9c/i;

/** More rounds than any real double-decoding chain needs; a path still decoding after them is refused. */
const MAX_DECODINGS = 8;

const PLAIN = /^[A-Za-z0-9\-._~!$&'()*+,=:@/]*$/;

/** Splits off the query and decodes the path into every plausible reading, or names the problem. */
export function normalisePath(target: string): NormalisedPath | PathProblem {
  // A fragment never belongs in a request target, and a dot, slash or backslash still encoded after one decoding
  // is decoded again by some upstreams: either could reach a path no reading here shows, so both are refused.
  if (target.includes('#')) return 'ambiguous';
  const q = target.search(/[?#]/);
  const raw = q < 0 ? target : target.slice(0, q);
  if (hidesEncodedSeparator(raw)) return 'ambiguous';
  const rawSegments = (raw.startsWith('/') ? raw.slice(1) : raw).split('/');
  // Fast path: nothing encoded, no parameters, no backslash and no empty inner segment.
  if (PLAIN.test(raw) && !raw.includes('//')) {
    for (const s of rawSegments) if (isDotSegment(s)) return 'dot-segment';
    return { readings: [rawSegments] };
  }
  const decoded: string[] = [];
  for (const s of rawSegments) {
    let d: string;
    try {
      d = decodeURIComponent(s);
    } catch {
      return 'encoding';
    }
    // NUL, CR, LF and friends mean different things to different servers; none belongs in a path.
    if (hasControlChar(d)) return 'control';
    if (hasLookalikeSeparator(d)) return 'dot-segment';
    decoded.push(d);
  }
  let readings: string[][] = [decoded];
  // An encoded "/" or "\" may be a separator to the upstream: read it both ways.
  if (decoded.some((s) => s.includes('/') || s.includes('\\'))) {
    readings = [...readings, decoded.flatMap((s) => s.split(/[/\\]/))];
  }
  if (decoded.some((s) => s.includes(';'))) {
    readings = [...readings, ...readings.map((r) => r.map((s) => s.split(';')[0]!))];
  }
  if (readings.some((r) => hasInnerEmpty(r))) {
    readings = [...readings, ...readings.map(mergeEmpty)];
  }
  for (const reading of readings) {
    for (const s of reading) if (isDotSegment(s)) return 'dot-segment';
  }
  return { readings };
}

/**
 * "." and "..", and any segment of dots only: Windows and IIS trim trailing dots, so `...` may be read as `..`
 * there, and no real resource is named by dots alone.
 */
function isDotSegment(segment: string): boolean {
  return segment !== '' && /^\.+$/.test(segment);
}

/**
 * A character that NFKC folds into ".", "/" or "\" (the fullwidth dot U+FF0E, the one-dot leader U+2024, the
 * small full stop U+FE52, the fullwidth solidi): an upstream that normalises would see a separator or a dot
 * segment that no reading here shows.
 */
function hasLookalikeSeparator(segment: string): boolean {
  if (!/[\u0080-\uffff]/.test(segment)) return false;
  for (const ch of segment) if (ch.charCodeAt(0) > 0x7f && /[./\\]/.test(ch.normalize('NFKC'))) return true;
  return false;
}

/**
 * Whether the path, once decoded, still holds an encoded dot, slash or backslash, and the same for each further
 * decoding. Only the path is read: a query's values never become path segments, however often they are decoded.
 */
function hidesEncodedSeparator(rawPath: string): boolean {
  if (!rawPath.includes('%')) return false;
  let text = rawPath;
  for (let round = 0; round < MAX_DECODINGS; round++) {
    const next = decodeOnce(text);
    if (next === text) return false;
    if (ENCODED_SEPARATOR.test(next)) return true;
    text = next;
  }
  return decodeOnce(text) !== text;
}

/**
 * One lenient decoding, the way a second decoder in front of an upstream reads it: every valid `%XX` becomes its
 * byte and anything else (a lone `%`, `%zz`) stays. Bytes map one to one onto characters, so a multi-byte UTF-8
 * sequence cannot turn into the ASCII that ENCODED_SEPARATOR looks for.
 */
function decodeOnce(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function hasInnerEmpty(segments: string[]): boolean {
  for (let i = 0; i < segments.length - 1; i++) if (segments[i] === '') return true;
  return false;
}

/** `//` merged the way nginx and friends do; a trailing slash stays. */
function mergeEmpty(segments: string[]): string[] {
  return segments.filter((s, i) => s !== '' || i === segments.length - 1);
}

type SegmentMatcher = { kind: 'globstar' } | { kind: 'exact'; text: string } | { kind: 'glob'; re: RegExp };

/** A compiled pattern: matching is linear in segments, with no backtracking explosion for `**`. */
export class PathPattern {
  readonly source: string;
  readonly #segments: SegmentMatcher[];

  constructor(pattern: string) {
    this.source = pattern;
    const parts = pattern.slice(1).split('/');
    const segments: SegmentMatcher[] = [];
    for (const part of parts) {
      if (part === '**') {
        if (segments.at(-1)?.kind !== 'globstar') segments.push({ kind: 'globstar' });
      } else if (part.includes('*')) {
        const body = part
          .split('*')
          .map((piece) => piece.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
          .join('[^/]*');
        segments.push({ kind: 'glob', re: new RegExp(`^${body}$`, 's') });
      } else segments.push({ kind: 'exact', text: part });
    }
    this.#segments = segments;
  }

  /** Whether one reading (decoded segments) matches. */
  matchesSegments(path: readonly string[]): boolean {
    const pattern = this.#segments;
    // reachable[j]: the first i pattern segments can consume the first j path segments.
    let reachable = new Array<boolean>(path.length + 1).fill(false);
    reachable[0] = true;
    for (const seg of pattern) {
      const next = new Array<boolean>(path.length + 1).fill(false);
      if (seg.kind === 'globstar') {
        let any = false;
        for (let j = 0; j <= path.length; j++) {
          any ||= reachable[j]!;
          next[j] = any;
        }
      } else {
        for (let j = 0; j < path.length; j++) {
          if (!reachable[j]) continue;
          const text = path[j]!;
          if (seg.kind === 'exact' ? text === seg.text : seg.re.test(text)) next[j + 1] = true;
        }
      }
      reachable = next;
    }
    return reachable[path.length]!;
  }
}

/** True when every reading of the path matches at least one pattern. */
export function pathAllowed(patterns: readonly PathPattern[], path: NormalisedPath): boolean {
  return path.readings.every((reading) => patterns.some((p) => p.matchesSegments(reading)));
}
