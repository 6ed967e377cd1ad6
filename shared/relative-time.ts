/**
 * The one relative-time formatter: the CLI's EXPIRES column and the desktop list and detail pane all use it,
 * so a token reads "in 4m 10s" everywhere. Pure, so the bench and tests can call it with any clock.
 */

const UNITS: [limit: number, seconds: number, label: string][] = [
  [60, 1, 's'],
  [3600, 60, 'm'],
  [86400, 3600, 'h'],
  [Infinity, 86400, 'd'],
];

/** "4m 10s", "3h 5m", "12d": two units at most, the way people read a countdown. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  if (s < 60) return `${s}s`;
  for (let i = 1; i < UNITS.length; i += 1) {
    const [limit, unit, label] = UNITS[i]!;
    if (s < limit) {
      const major = Math.floor(s / unit);
      const [, subUnit, subLabel] = UNITS[i - 1]!;
      const minor = Math.floor((s % unit) / subUnit);
      return minor > 0 && i < 3 ? `${major}${label} ${minor}${subLabel}` : `${major}${label}`;
    }
  }
  return `${Math.floor(s / 86400)}d`;
}

/** "in 4m 10s", "expired 3h ago", or "never" for a token without an expiry. */
export function expiryText(expiresAt: string | null, now: number): string {
  if (!expiresAt) return 'never';
  const delta = (Date.parse(expiresAt) - now) / 1000;
  if (Number.isNaN(delta)) return 'unknown';
  return delta >= 0 ? `in ${formatDuration(delta)}` : `expired ${formatDuration(-delta)} ago`;
}

/** "2m ago", "in 5m", "just now" (within 5 s either way), or "never" for something that has not happened. */
export function relativeText(at: string | null, now: number): string {
  if (!at) return 'never';
  const delta = (now - Date.parse(at)) / 1000;
  if (Number.isNaN(delta)) return 'unknown';
  // Only a few seconds either side is "now": a time 15 minutes ahead must read as ahead, not as the present.
  if (Math.abs(delta) < 5) return 'just now';
  return delta > 0 ? `${formatDuration(delta)} ago` : `in ${formatDuration(-delta)}`;
}

export function absoluteText(at: string | null): string {
  if (!at) return '—';
  const d = new Date(at);
  return Number.isNaN(d.getTime()) ? '—' : d.toLocaleString();
}
