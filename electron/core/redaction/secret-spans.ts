/**
 * Finds where secrets occur in text, in every form an upstream can echo them plainly (raw, JSON-escaped,
 * percent-encoded), so a face such as MCP can replace them before anything leaves the machine (SECURITY M1).
 */

export const REDACTION_MARKER = '[redacted by tokenwarden]';

/**
 * A text cut short (a truncated body) may end with the start of a secret; a trailing prefix this long or
 * longer is redacted too. Shorter prefixes say no more than the 4-character tail S7 already allows.
 */
export const OPEN_END_MIN_PREFIX = 4;

/** The distinct plain forms of one secret, longest first so overlapping matches cover the most text. */
export function secretForms(secret: string): string[] {
  if (!secret) return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = new Set([secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret)]);
  return [...forms].sort((a, b) => b.length - a.length);
}

export interface SpanOptions {
  /** The text was cut: also cover a trailing prefix of a form (at least OPEN_END_MIN_PREFIX characters). */
  openEnd?: boolean;
}

/** Flat, sorted, merged [start, end) pairs of every occurrence of every form in `text`. */
export function findSecretSpans(text: string, forms: readonly string[], options: SpanOptions = {}): number[] {
  const spans: [number, number][] = [];
  for (const form of forms) {
    if (!form) continue;
    for (let at = text.indexOf(form); at >= 0; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    if (options.openEnd) {
      const tail = openEndPrefix(text, form);
      if (tail > 0) spans.push([text.length - tail, text.length]);
    }
  }
  return mergeSpans(spans);
}

/** Length of the longest proper prefix of `form` that `text` ends with, if it is long enough to matter. */
function openEndPrefix(text: string, form: string): number {
  const first = form.charCodeAt(0);
  // Scan candidate starts from the left so the first hit is the longest prefix; most fail on one character.
  for (let at = Math.max(0, text.length - form.length + 1); at <= text.length - OPEN_END_MIN_PREFIX; at++) {
    if (text.charCodeAt(at) === first && form.startsWith(text.slice(at))) return text.length - at;
  }
  return 0;
}

/** Sorts and merges overlapping or touching spans; input pairs may come from several searches. */
export function mergeSpans(pairs: Iterable<readonly [number, number]>): number[] {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const flat: number[] = [];
  for (const [start, end] of sorted) {
    const last = flat.length - 1;
    if (last > 0 && start <= flat[last]!) flat[last] = Math.max(flat[last]!, end);
    else flat.push(start, end);
  }
  return flat;
}

/** Replaces each span with the marker. */
export function applySpans(text: string, spans: readonly number[], marker: string = REDACTION_MARKER): string {
  if (spans.length === 0) return text;
  let out = '';
  let from = 0;
  for (let i = 0; i < spans.length; i += 2) {
    out += text.slice(from, spans[i]) + marker;
    from = spans[i + 1]!;
  }
  return out + text.slice(from);
}
