/**
 * Text someone else chose (an exec command, a certificate's subject) shown with its invisible characters
 * spelled out: a newline or a right-to-left override must not be able to hide part of what a person reads
 * before approving it (SECURITY E5).
 */

// U+0000-U+001F, DEL and C1 controls, bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Shows every character of `text`; invisible ones as \u{XXXX}, so what is approved is what runs. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}
