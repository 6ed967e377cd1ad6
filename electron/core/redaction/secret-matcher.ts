/**
 * One multi-pattern matcher over every form of a set of secrets (SECURITY M1). Over a text and over its
 * normalised view, it finds:
 * - any run of MIN_RUN or more consecutive characters of a secret or of one of its encodings (hex, base64 at
 *   each byte alignment), which catches a partial echo, a token cut across two fields, and a secret inside a
 *   longer base64 string; a form shorter than MIN_RUN must occur whole;
 * - in any letter case, with base64url and base64 read as one alphabet (`-`≡`+`, `_`≡`/`);
 * - in the normalised view as well: escaped characters decoded; whitespace, NULs and zero-width marks dropped.
 * Each view is read once and probed once per gram (see GramTable); every match becomes a span of the source
 * text, whichever view it was found in.
 */
import { encodedForms } from './encoded-forms.ts';
import { gramHash, GramTable } from './gram-table.ts';
import { isInvisible, normalisedUnit, SKIP, unitCode, unitLength } from './normalised-view.ts';

/** A run this long of a secret's characters counts as the secret: long enough not to occur by chance. */
export const MIN_RUN = 16;

/**
 * Full-width forms, letter case and the base64url/base64 alphabets, folded; everything else is kept. A token
 * written in full-width characters (U+FF01–U+FF5E, the ASCII printables moved by 0xFEE0) reads as the token.
 */
export function foldUnit(c: number): number {
  if (c >= 0xff01 && c <= 0xff5e) c -= 0xfee0;
  if (c >= 65 && c <= 90) return c + 32;
  if (c === 45) return 43;
  if (c === 95) return 47;
  return c;
}

/** foldUnit for every UTF-16 code unit, so folding a view is one lookup per character. */
const FOLD = new Uint16Array(0x10000);
for (let c = 0; c < FOLD.length; c++) FOLD[c] = foldUnit(c);

function foldText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += String.fromCharCode(FOLD[text.charCodeAt(i)]!);
  return out;
}

/**
 * How the normalised view treats each code unit: kept as it is, dropped (invisible), or decoded (an escape
 * starts with it). A lookup per character; only escapes reach the decoder.
 */
const KEEP = 0;
const DROP = 1;
const DECODE = 2;
const CLASS = new Uint8Array(0x10000);
for (let c = 0; c < CLASS.length; c++) CLASS[c] = c === 92 || c === 37 || c === 38 || c === 61 ? DECODE : isInvisible(c) ? DROP : KEEP;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The UTF-16 code units of `text`, copied natively where the platform's byte order allows it. */
function codeUnits(text: string): Uint16Array {
  if (LITTLE_ENDIAN) {
    const bytes = Buffer.allocUnsafeSlow(text.length * 2);
    bytes.write(text, 0, 'utf16le');
    return new Uint16Array(bytes.buffer, bytes.byteOffset, text.length);
  }
  const units = new Uint16Array(text.length);
  for (let i = 0; i < text.length; i++) units[i] = text.charCodeAt(i);
  return units;
}

/** A view of a text, folded: its characters, and for each where in the source it began. */
interface View {
  codes: Uint16Array;
  length: number;
  /** Undefined for the text itself, where view position i is source character i. */
  starts?: Int32Array;
}

// The loops below fill preallocated arrays and return a number: a hot loop that also builds the object it
// returns gets deoptimised on every call, when the optimised code first reaches that object.

function foldInPlace(units: Uint16Array): void {
  for (let i = 0; i < units.length; i++) units[i] = FOLD[units[i]!]!;
}

/**
 * Fills the normalised view from the folded text (escapes are decoded from the text itself, so a full-width
 * `％` folded to `%` is kept as the one character it is); returns its length, or -1 when it is the text itself.
 */
function normaliseInto(text: string, folded: Uint16Array, codes: Uint16Array, starts: Int32Array): number {
  const n = folded.length;
  let length = 0;
  let changed = false;
  for (let i = 0; i < n; ) {
    const start = i;
    let code = folded[i]!;
    const kind = CLASS[code];
    if (kind === KEEP) {
      i += 1;
    } else if (kind === DROP) {
      i += 1;
      changed = true;
      continue;
    } else {
      const unit = normalisedUnit(text, i);
      i += unitLength(unit);
      code = unitCode(unit);
      if (code === SKIP) {
        changed = true;
        continue;
      }
      if (i !== start + 1 || code !== folded[start]) changed = true;
      if (code > 0xffff) {
        // A reference to a character outside the BMP: the secret holds it as a surrogate pair.
        codes[length] = 0xd800 + ((code - 0x10000) >> 10);
        starts[length++] = start;
        code = 0xdc00 + ((code - 0x10000) & 0x3ff);
      }
      code = FOLD[code]!;
    }
    codes[length] = code;
    starts[length++] = start;
  }
  return changed ? length : -1;
}

function normalisedView(text: string, folded: Uint16Array): View | undefined {
  const codes = new Uint16Array(folded.length);
  const starts = new Int32Array(folded.length);
  const length = normaliseInto(text, folded, codes, starts);
  return length < 0 ? undefined : { codes, length, starts };
}

/** Where the view character that begins at source `start` ends: decoded again (only for a match's last one). */
function sourceEnd(text: string, start: number): number {
  const c = text.charCodeAt(start);
  return CLASS[c] === DECODE ? start + unitLength(normalisedUnit(text, start)) : start + 1;
}

export class SecretMatcher {
  readonly #tables: GramTable[];

  /** A matcher for `secrets` in every form it knows (see encodedForms). */
  static forSecrets(secrets: readonly string[]): SecretMatcher {
    return new SecretMatcher(secrets.flatMap(encodedForms));
  }

  /** A matcher for exactly these text forms (each still found case-folded, as a run, and in the normalised view). */
  constructor(forms: readonly string[]) {
    const folded = [...new Set(forms.filter(Boolean).map(foldText))];
    const long = folded.filter((form) => form.length >= MIN_RUN);
    const short = new Map<number, string[]>();
    for (const form of folded) {
      if (form.length >= MIN_RUN) continue;
      const group = short.get(form.length);
      if (group) group.push(form);
      else short.set(form.length, [form]);
    }
    this.#tables = [...(long.length > 0 ? [new GramTable(long, MIN_RUN)] : []), ...[...short.values()].map((group) => new GramTable(group))];
  }

  /** Flat [start, end) pairs of every match in `text`, unsorted and possibly overlapping (see mergeSpans). */
  spans(text: string): number[] {
    const spans: number[] = [];
    if (this.#tables.length === 0 || text.length === 0) return spans;
    const folded = codeUnits(text);
    foldInPlace(folded);
    this.#scan(text, { codes: folded, length: folded.length }, spans);
    const normalised = normalisedView(text, folded);
    if (normalised) this.#scan(text, normalised, spans);
    return spans;
  }

  #scan(text: string, view: View, spans: number[]): void {
    const { codes, length, starts } = view;
    // The last match reported in this view, in view positions: blocks well inside it are not probed.
    let coveredFrom = 0;
    let coveredTo = -1;
    const sink = (from: number, to: number): void => {
      if (from <= coveredTo && from >= coveredFrom) coveredTo = Math.max(coveredTo, to);
      else [coveredFrom, coveredTo] = [from, to];
      const start = starts ? starts[from]! : from;
      const end = starts ? sourceEnd(text, starts[to - 1]!) : to;
      const last = spans.length - 1;
      // The runs found from neighbouring grams overlap: one span grows instead of listing each.
      if (last > 0 && start >= spans[last - 1]! && start <= spans[last]!) {
        if (end > spans[last]!) spans[last] = end;
      } else {
        spans.push(start, end);
      }
    };
    for (const table of this.#tables) {
      const q = table.q;
      const reach = table.reach ?? -1;
      coveredTo = -1;
      for (let at = 0; at + q <= length; at += q) {
        if (reach >= 0 && coveredFrom <= at - reach && at + q + reach <= coveredTo) continue;
        const hash = gramHash(codes, at, q);
        if (table.mayHold(hash)) table.matchesAt(codes, length, at, hash, sink);
      }
    }
  }
}
