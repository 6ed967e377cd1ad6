/**
 * A multi-pattern index for "does this text hold a long enough piece of one of these patterns?" (SECURITY M1).
 * Every q-gram (q consecutive characters) of every pattern is in an open-addressing hash table. A match of at
 * least 2q−1 characters always holds a whole q-gram that starts at a multiple of q in the text, so the text is
 * probed once per q characters, not once per character; each probe that hits is then checked and extended
 * character by character (a hash collision never redacts, or misses, anything).
 */

/** Odd, so multiplication by it is a bijection modulo 2³². */
const HASH_BASE = 0x01000193;
const MIX = 0x9e3779b1 | 0;
/**
 * A q-gram found more often than this in the patterns (a secret made of one repeated character) stops the
 * candidate walk: the block and the characters around it are redacted as a match instead.
 */
const MAX_CANDIDATES = 64;

/** The hash of codes[at, at + q): the same polynomial the table was filled with. */
export function gramHash(codes: Uint16Array, at: number, q: number): number {
  let hash = 0;
  for (let k = 0; k < q; k++) hash = (Math.imul(hash, HASH_BASE) + codes[at + k]!) | 0;
  return hash;
}

/** Where a text's matches go: flat [start, end) pairs in view positions, one per local match. */
export type MatchSink = (from: number, to: number) => void;

export class GramTable {
  /** The gram length: the text is probed at every multiple of it. */
  readonly q: number;
  /**
   * One bit per hash bucket, at least 32 buckets per gram: most probes are ruled out by this small array
   * before the table is touched. `mix(hash) >>> filterShift` is a hash's bit.
   */
  readonly filter: Uint32Array;
  readonly filterShift: number;
  /**
   * For a run table, how far a reported match can reach to the left of its block, and how far right a block's
   * own window reaches: a block whose [start − reach, end + reach) lies inside a match already reported can
   * report nothing new, since any run through it that goes further right also holds a later block, which is
   * probed. Undefined for a whole-pattern table, whose blocks are all probed.
   */
  readonly reach: number | undefined;
  /** `undefined`: a pattern must occur whole. A number: any run this long of a pattern counts. */
  readonly #minRun: number | undefined;
  readonly #patterns: readonly string[];
  readonly #hashes: Int32Array;
  /** Index of the pattern a slot's gram comes from, -1 for an empty slot. */
  readonly #pattern: Int32Array;
  readonly #offset: Int32Array;
  readonly #mask: number;
  readonly #shift: number;

  /**
   * `minRun` set: runs of at least `minRun` characters of any pattern (q = ⌊(minRun+1)/2⌋). Unset: whole
   * patterns, all of one length m (q = ⌊(m+1)/2⌋).
   */
  constructor(patterns: readonly string[], minRun?: number) {
    const shortest = minRun ?? patterns[0]?.length ?? 1;
    this.q = Math.max(1, Math.floor((shortest + 1) / 2));
    this.#minRun = minRun;
    this.reach = minRun === undefined ? undefined : minRun - 1;
    this.#patterns = patterns;
    const grams = patterns.reduce((n, p) => n + Math.max(0, p.length - this.q + 1), 0);
    let bits = 4;
    while (1 << bits < grams * 2) bits++;
    this.#mask = (1 << bits) - 1;
    this.#shift = 32 - bits;
    this.#hashes = new Int32Array(1 << bits);
    this.#pattern = new Int32Array(1 << bits).fill(-1);
    this.#offset = new Int32Array(1 << bits);
    const filterBits = Math.max(10, bits + 4);
    this.filter = new Uint32Array(1 << (filterBits - 5));
    this.filterShift = 32 - filterBits;
    patterns.forEach((pattern, index) => this.#insertAll(index, pattern));
  }

  /** True when `hash` may be the hash of a gram (no false negatives). */
  mayHold(hash: number): boolean {
    const bit = Math.imul(hash, MIX) >>> this.filterShift;
    return (this.filter[bit >>> 5]! & (1 << (bit & 31))) !== 0;
  }

  /**
   * Reports every match around the gram at codes[at, at + q) (whose hash is `hash`): for a run table, the run
   * of each pattern through it, followed at most minRun−1 characters to the left (the blocks before it cover
   * the rest) and to its end on the right; for a whole-pattern table, each pattern that occurs there whole.
   */
  matchesAt(codes: Uint16Array, length: number, at: number, hash: number, sink: MatchSink): void {
    const q = this.q;
    let candidates = 0;
    for (let slot = Math.imul(hash, MIX) >>> this.#shift; this.#pattern[slot] !== -1; slot = (slot + 1) & this.#mask) {
      if (this.#hashes[slot] !== hash) continue;
      const pattern = this.#patterns[this.#pattern[slot]!]!;
      const offset = this.#offset[slot]!;
      let k = 0;
      while (k < q && pattern.charCodeAt(offset + k) === codes[at + k]) k++;
      if (k < q) continue;
      if (++candidates > MAX_CANDIDATES) {
        const reach = this.#minRun ?? pattern.length;
        sink(Math.max(0, at - reach + 1), Math.min(length, at + q + reach - 1));
        return;
      }
      if (this.#minRun === undefined) this.#whole(pattern, offset, codes, length, at, sink);
      else this.#run(pattern, offset, codes, length, at, this.#minRun, sink);
    }
  }

  #whole(pattern: string, offset: number, codes: Uint16Array, length: number, at: number, sink: MatchSink): void {
    const from = at - offset;
    if (from < 0 || from + pattern.length > length) return;
    for (let k = 0; k < pattern.length; k++) if (pattern.charCodeAt(k) !== codes[from + k]) return;
    sink(from, from + pattern.length);
  }

  #run(pattern: string, offset: number, codes: Uint16Array, length: number, at: number, minRun: number, sink: MatchSink): void {
    const q = this.q;
    let left = 0;
    while (left < minRun - 1 && left < offset && left < at && pattern.charCodeAt(offset - left - 1) === codes[at - left - 1]) left++;
    // To the right the run is followed to its end, so the blocks it covers need no probe (see `reach`).
    let right = 0;
    const after = offset + q;
    while (after + right < pattern.length && at + q + right < length && pattern.charCodeAt(after + right) === codes[at + q + right]) right++;
    if (left + q + right >= minRun) sink(at - left, at + q + right);
  }

  #insertAll(index: number, pattern: string): void {
    const q = this.q;
    const codes = new Uint16Array(pattern.length);
    for (let k = 0; k < pattern.length; k++) codes[k] = pattern.charCodeAt(k);
    for (let offset = 0; offset + q <= pattern.length; offset++) this.#insert(gramHash(codes, offset, q), index, offset);
  }

  #insert(hash: number, index: number, offset: number): void {
    const mixed = Math.imul(hash, MIX);
    const bit = mixed >>> this.filterShift;
    this.filter[bit >>> 5] = this.filter[bit >>> 5]! | (1 << (bit & 31));
    let slot = mixed >>> this.#shift;
    while (this.#pattern[slot] !== -1) slot = (slot + 1) & this.#mask;
    this.#hashes[slot] = hash;
    this.#pattern[slot] = index;
    this.#offset[slot] = offset;
  }
}
