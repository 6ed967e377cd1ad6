/**
 * `--allow` names checked against the vault: a server whose names all miss would look connected to the agent
 * while it can use nothing, so that is refused; some missing is only a warning (they may be added later).
 */
import { didYouMean } from '../../shared/did-you-mean.ts';
import { TokenwardenError } from '../core/base/errors.ts';

function describe(missing: readonly string[], existing: readonly string[]): string {
  return missing
    .map((name) => {
      const hint = didYouMean(name, existing);
      return hint ? `"${name}" (${hint})` : `"${name}"`;
    })
    .join(', ');
}

/** Returns the warning for the names that miss (none: undefined); throws ERR_NOT_FOUND when every name misses. */
export function checkAllowed(allow: readonly string[], existing: readonly string[]): string | undefined {
  const have = new Set(existing);
  const missing = allow.filter((name) => !have.has(name));
  if (missing.length === 0) return undefined;
  const named = describe(missing, existing);
  if (missing.length < allow.length) return `--allow names no existing credential: ${named}.`;
  const next = existing.length === 0 ? 'The vault holds no credential yet; add one with `tkw add`.' : '`tkw list` shows the names.';
  throw new TokenwardenError('ERR_NOT_FOUND', `None of the --allow credentials exists: ${named}. ${next}`);
}
