/** `--since 1h|30m|2d|45s|ISO` -> an instant. */
import { TokenwardenError } from '../base/errors.ts';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseSince(value: string, now: number): Date {
  const relative = /^(\d{1,6})([smhd])$/.exec(value.trim());
  if (relative) return new Date(now - Number(relative[1]) * UNITS[relative[2]!]!);
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw new TokenwardenError('ERR_INVALID_INPUT', `"${value.slice(0, 40)}" is not a time: use a duration like 1h, 30m or 2d, or an ISO date.`);
  return new Date(at);
}
