/**
 * Which policy changes from the window widen what a credential may be used for (SECURITY E5). Tightening a policy
 * never needs the user's say-so, but lifting a limit does: a compromised renderer that clears a one-use or
 * GET-only policy would hand whoever holds a key more than the user granted. Pure, so it is tested without Electron.
 */
import { parseRate, type Policy } from '../../shared/policy.ts';

/**
 * The token bucket refills at COUNT per UNIT and holds COUNT, so `600/min` allows a burst of 600 where `10/s`
 * allows 10: a rate is looser when either its steady rate or its burst is larger.
 */
function rateIsLooser(previous: string, next: string): boolean {
  const a = parseRate(previous);
  const b = parseRate(next);
  if ('problem' in a || 'problem' in b) return previous !== next;
  return b.count > a.count || b.count / b.perMs > a.count / a.perMs;
}

const added = (previous: readonly string[], next: readonly string[]): string[] => next.filter((item) => !previous.includes(item));

/**
 * One line per way `next` allows more than `previous` (empty when it allows nothing more). New path patterns
 * count as wider even when they happen to be narrower: proving one glob inside another is not worth the risk.
 */
export function policyLoosening(previous: Policy | undefined, next: Policy | null | undefined): string[] {
  if (!previous) return [];
  const after: Policy = next ?? {};
  const lines: string[] = [];
  if (previous.methods) {
    if (!after.methods) lines.push(`Any method (was ${previous.methods.join(', ')})`);
    else if (added(previous.methods, after.methods).length > 0) lines.push(`Also methods ${added(previous.methods, after.methods).join(', ')}`);
  }
  if (previous.paths) {
    if (!after.paths) lines.push(`Any path (was ${previous.paths.join(', ')})`);
    else if (added(previous.paths, after.paths).length > 0) lines.push(`Also paths ${added(previous.paths, after.paths).join(', ')}`);
  }
  if (previous.rate) {
    if (!after.rate) lines.push(`No rate limit (was ${previous.rate})`);
    else if (rateIsLooser(previous.rate, after.rate)) lines.push(`Rate ${after.rate} (was ${previous.rate})`);
  }
  if (previous.concurrency !== undefined) {
    if (after.concurrency === undefined) lines.push(`Any number at once (was ${previous.concurrency})`);
    else if (after.concurrency > previous.concurrency) lines.push(`${after.concurrency} at once (was ${previous.concurrency})`);
  }
  if (previous.maxUses !== undefined) {
    if (after.maxUses === undefined) lines.push(`Unlimited uses (was ${previous.maxUses})`);
    else if (after.maxUses > previous.maxUses) lines.push(`${after.maxUses} uses (was ${previous.maxUses})`);
  }
  return lines;
}
