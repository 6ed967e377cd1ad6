/**
 * The normalised view of a text that redaction searches besides the text itself (SECURITY M1): one level of
 * escaping undone (JSON and JS `\u00XX`/`\xXX`, HTML `&#NN;`/`&#xNN;` and a few named entities, percent and
 * quoted-printable `=XX`) and invisible characters dropped (whitespace, NUL and other controls, zero-width
 * marks). An upstream that escapes some or all characters of a token, puts spaces between them, or sends UTF-16
 * (a NUL after or before every ASCII character) thus still shows the token in this view.
 *
 * It is produced one unit at a time, so the matcher walks it in the same loop shape as the text and maps every
 * match back onto the source characters that produced it.
 */

/** A unit that produces no character (a dropped invisible, an escaped newline, a soft line break). */
export const SKIP = 0x1fffff;
const CODE_BITS = 21;
const CODE_MASK = (1 << CODE_BITS) - 1;

const pack = (length: number, code: number): number => (length << CODE_BITS) | code;
/** The character a packed unit decodes to, or SKIP. */
export const unitCode = (unit: number): number => unit & CODE_MASK;
/** How many source characters a packed unit consumed. */
export const unitLength = (unit: number): number => unit >>> CODE_BITS;

/** Named entities for the characters tokens are made of; anything longer-tailed than this is left as it is. */
const NAMED: Record<string, number> = {
  amp: 38,
  lt: 60,
  gt: 62,
  quot: 34,
  apos: 39,
  sol: 47,
  equals: 61,
  plus: 43,
  period: 46,
  lowbar: 95,
  colon: 58,
  num: 35,
  percnt: 37,
  tilde: 126,
  nbsp: 160,
};

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** The value of `count` hex digits at `at`, or -1. */
function hexRun(text: string, at: number, count: number): number {
  if (at + count > text.length) return -1;
  let value = 0;
  for (let k = 0; k < count; k++) {
    const digit = hexValue(text.charCodeAt(at + k));
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

/** Characters an echo can hide between a token's characters without a reader noticing. */
export function isInvisible(c: number): boolean {
  if (c <= 32 || c === 127) return true;
  if (c < 0xa0) return c >= 0x80;
  return (
    c === 0xa0 ||
    c === 0xad ||
    c === 0x1680 ||
    c === 0x180e ||
    (c >= 0x2000 && c <= 0x200f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    (c >= 0x205f && c <= 0x2064) ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function backslash(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === 117 || next === 85) {
    const code = hexRun(text, i + 2, 4);
    if (code >= 0) return pack(6, code);
  } else if (next === 120 || next === 88) {
    const code = hexRun(text, i + 2, 2);
    if (code >= 0) return pack(4, code);
  } else if (next === 47 || next === 92 || next === 34 || next === 39) {
    return pack(2, next);
  } else if (next === 110 || next === 114 || next === 116 || next === 98 || next === 102 || next === 118 || next === 48) {
    // \n \r \t \b \f \v \0: escaped invisibles, dropped like the characters they stand for.
    return pack(2, SKIP);
  }
  return pack(1, 92);
}

function percent(text: string, i: number): number {
  const byte = hexRun(text, i + 1, 2);
  if (byte >= 0) return pack(3, byte);
  if ((text.charCodeAt(i + 1) | 0x20) === 117) {
    const code = hexRun(text, i + 2, 4);
    if (code >= 0) return pack(6, code);
  }
  return pack(1, 37);
}

function entity(text: string, i: number): number {
  if (text.charCodeAt(i + 1) === 35) {
    const hex = (text.charCodeAt(i + 2) | 0x20) === 120;
    let at = i + (hex ? 3 : 2);
    let value = 0;
    const start = at;
    for (; at < text.length && at - start < 7; at++) {
      const c = text.charCodeAt(at);
      const digit = hex ? hexValue(c) : c >= 48 && c <= 57 ? c - 48 : -1;
      if (digit < 0) break;
      value = value * (hex ? 16 : 10) + digit;
    }
    if (at === start || value > 0x10ffff) return pack(1, 38);
    // Browsers accept a numeric reference without its semicolon, so a reader would too.
    if (text.charCodeAt(at) === 59) at++;
    return pack(at - i, value);
  }
  let at = i + 1;
  while (at < text.length && at - i <= 8 && ((text.charCodeAt(at) | 0x20) >= 97 && (text.charCodeAt(at) | 0x20) <= 122)) at++;
  const code = text.charCodeAt(at) === 59 ? NAMED[text.slice(i + 1, at).toLowerCase()] : undefined;
  return code === undefined ? pack(1, 38) : pack(at + 1 - i, code);
}

function quotedPrintable(text: string, i: number): number {
  const next = text.charCodeAt(i + 1);
  if (next === 13 && text.charCodeAt(i + 2) === 10) return pack(3, SKIP);
  if (next === 10) return pack(2, SKIP);
  const byte = hexRun(text, i + 1, 2);
  return byte >= 0 ? pack(3, byte) : pack(1, 61);
}

/**
 * The unit of the normalised view that starts at `text[i]`, packed: `unitCode` is its character (or SKIP) and
 * `unitLength` the number of source characters it consumed (at least 1).
 */
export function normalisedUnit(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 92) return backslash(text, i);
  if (c === 37) return percent(text, i);
  if (c === 38) return entity(text, i);
  if (c === 61) return quotedPrintable(text, i);
  return isInvisible(c) ? pack(1, SKIP) : pack(1, c);
}

/** The whole normalised view of `text` as a string (for deriving patterns and for tests; the matcher streams it). */
export function normalise(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    const unit = normalisedUnit(text, i);
    const code = unitCode(unit);
    if (code !== SKIP) out += String.fromCodePoint(code);
    i += unitLength(unit);
  }
  return out;
}
