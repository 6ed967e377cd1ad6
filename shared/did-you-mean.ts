/**
 * "Did you mean X?" for a mistyped name: the candidates at the smallest edit distance, if they are close
 * enough to be a typo rather than a different word. The rule matches commander's own suggestion for a
 * mistyped command (optimal string alignment distance, similarity above 0.4), so both read alike.
 */

const MAX_DISTANCE = 3;
const MIN_SIMILARITY = 0.4;

/** Levenshtein plus adjacent transposition, so `gtihub` is one edit from `github`. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** The closest candidates (sorted), or none when nothing is near enough. */
export function closestNames(word: string, candidates: readonly string[]): string[] {
  let best = MAX_DISTANCE + 1;
  let similar: string[] = [];
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1 || candidate === word) continue;
    const distance = editDistance(word, candidate);
    const similarity = (Math.max(word.length, candidate.length) - distance) / Math.max(word.length, candidate.length);
    if (similarity <= MIN_SIMILARITY || distance > best) continue;
    if (distance < best) similar = [];
    best = distance;
    similar.push(candidate);
  }
  return similar.sort((x, y) => x.localeCompare(y));
}

/** `Did you mean "github"?`, `Did you mean "a" or "b"?`, or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const similar = closestNames(word, candidates).map((n) => `"${n}"`);
  if (similar.length === 0) return '';
  const list = similar.length === 1 ? similar[0] : `${similar.slice(0, -1).join(', ')} or ${similar.at(-1)}`;
  return `Did you mean ${list}?`;
}
