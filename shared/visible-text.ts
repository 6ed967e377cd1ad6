/**
 * Text someone else chose (an exec command, a certificate's subject, a client's name or program path) shown with
 * its invisible characters spelled out: a newline or a right-to-left override must not be able to hide part of what
 * a person reads before approving it (SECURITY E5), and a C1 CSI must not rewrite a terminal showing the audit
 * trail (L2).
 */

// U+0000-U+001F, DEL and C1 controls, bidi embeddings/overrides/isolates, zero-width and line/paragraph separators.
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Shows every character of `text`; invisible ones as \u{XXXX}, so what is approved is what runs. */
export function visible(text: string): string {
  return text.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}}`);
}

/**
 * A name a client chose for itself (MCP clientInfo, the X-Tokenwarden-Client header), made printable ASCII and at
 * most `max` characters before it is stored: anything else becomes `_`. It labels audit entries only, never
 * authorizes anything.
 */
export function clientNameLabel(name: string, max: number): string {
  return name.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
}
