/**
 * Finds where secrets occur in text, so a face such as MCP can replace them before anything leaves the machine
 * (SECURITY M1). The plain forms listed here (raw, JSON-escaped, percent-encoded) are what a caller passes
 * around; each is searched with the SecretMatcher, which also finds its encodings, other letter cases, escaped
 * and spaced-out spellings, and any run of MIN_RUN of its characters.
 */
import { encodedForms } from './encoded-forms.ts';
import { SecretMatcher } from './secret-matcher.ts';

export const REDACTION_MARKER = '[redacted by tokenwarden]';

/** The distinct plain forms of one secret, longest first; the longest bounds the tail a cut text loses. */
export function secretForms(secret: string): string[] {
  if (!secret) return [];
  const json = JSON.stringify(secret).slice(1, -1);
  const forms = new Set([secret, json, json.replaceAll('/', '\\/'), encodeURIComponent(secret)]);
  return [...forms].sort((a, b) => b.length - a.length);
}

export interface SpanOptions {
  /** The text was cut: its tail may hold the start of a secret, so it is covered too (see openEndSpan). */
  openEnd?: boolean;
}

/**
 * Callers search many texts with one forms array (a response's headers and body): its matcher is built once.
 * Keyed weakly by the array, so it goes when the caller lets the forms go (on lock, with the records).
 */
const matchers = new WeakMap<readonly string[], SecretMatcher>();

/** The matcher for `forms`, built on first use; the array must not be changed afterwards. */
export function matcherFor(forms: readonly string[]): SecretMatcher {
  let matcher = matchers.get(forms);
  if (!matcher) {
    matcher = new SecretMatcher(forms.flatMap(encodedForms));
    matchers.set(forms, matcher);
  }
  return matcher;
}

/** Flat, sorted, merged [start, end) pairs of every match of every form in `text` (see SecretMatcher). */
export function findSecretSpans(text: string, forms: readonly string[], options: SpanOptions = {}): number[] {
  const flat = matcherFor(forms).spans(text);
  const spans: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) spans.push([flat[i]!, flat[i + 1]!]);
  const tail = options.openEnd ? openEndSpan(text.length, forms) : undefined;
  if (tail) spans.push(tail);
  return mergeSpans(spans);
}

/**
 * The tail of a cut text that could hold the start of a secret: the last (longest form − 1) characters,
 * covered whatever they contain. Covering only a tail that matches a prefix would be an oracle: an agent that
 * controls echoed content could guess a token character by character from whether the tail is redacted.
 */
export function openEndSpan(length: number, forms: readonly string[]): [number, number] | undefined {
  const longest = forms.reduce((max, form) => Math.max(max, form.length), 0);
  if (longest < 2 || length === 0) return undefined;
  return [Math.max(0, length - (longest - 1)), length];
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
