import { describe, expect, it } from 'vitest';
import { checkAllowed } from '../../../../electron/mcp/allow-check.ts';
import type { TokenwardenError } from '../../../../electron/core/base/errors.ts';

function refusal(allow: string[], existing: string[]): TokenwardenError {
  try {
    checkAllowed(allow, existing);
  } catch (err) {
    return err as TokenwardenError;
  }
  throw new Error('expected a refusal');
}

describe('checkAllowed', () => {
  it('says nothing when every name exists', () => {
    expect(checkAllowed(['github', 'jira'], ['github', 'jira', 'slack'])).toBeUndefined();
  });

  it('warns about the missing names when some exist, with a suggestion where one is close', () => {
    expect(checkAllowed(['github', 'jria', 'zzz'], ['github', 'jira'])).toBe('--allow names no existing credential: "jria" (Did you mean "jira"?), "zzz".');
  });

  it('refuses with ERR_NOT_FOUND when none exists, naming each', () => {
    const err = refusal(['gihtub', 'zzz'], ['github']);
    expect(err.code).toBe('ERR_NOT_FOUND');
    expect(err.message).toBe('None of the --allow credentials exists: "gihtub" (Did you mean "github"?), "zzz". `tkw list` shows the names.');
  });

  it('says how to add one when the vault is empty', () => {
    expect(refusal(['github'], []).message).toBe('None of the --allow credentials exists: "github". The vault holds no credential yet; add one with `tkw add`.');
  });
});
