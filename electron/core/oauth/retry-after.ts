/** Retry-After (RFC 9110 §10.2.3) as the IdP calls and the refresh backoff read it. */

/** Parses Retry-After (delta-seconds or an HTTP date) into milliseconds from now. */
export function retryAfterMs(value: string | null | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
