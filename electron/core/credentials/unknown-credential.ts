/** The one ERR_NOT_FOUND for a credential name nobody has, with "Did you mean …?" from the names that exist. */
import { didYouMean } from '../../../shared/did-you-mean.ts';
import { TokenwardenError } from '../base/errors.ts';

export function unknownCredential(name: string, known: readonly string[]): TokenwardenError {
  // The name is echoed shortened: it came from the caller, and a pasted secret must not fill a log line.
  const shown = String(name).slice(0, 64);
  const hint = didYouMean(shown, known);
  return new TokenwardenError('ERR_NOT_FOUND', `No credential named "${shown}".${hint ? ` ${hint}` : ' `tkw list` shows the names.'}`);
}
