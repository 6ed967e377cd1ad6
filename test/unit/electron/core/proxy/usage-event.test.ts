import { describe, expect, it } from 'vitest';
import { claimedName, UNKNOWN_NAME } from '../../../../../electron/core/proxy/usage-event.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';

describe('claimedName (the audit name of a refused request)', () => {
  it('L1 keeps a real credential name and hides a key typed where the name goes', () => {
    expect(claimedName('github', (n) => n === 'github')).toBe('github');
    expect(claimedName('twk_abcdef', () => true)).toBe(UNKNOWN_NAME);
    expect(claimedName('not-a-credential', () => false)).toBe(UNKNOWN_NAME);
    expect(claimedName(undefined, () => true)).toBe('');
  });

  it('P1 never throws while the vault is locked: a backend that throws ERR_LOCKED gives (unknown), not a crashed owner', () => {
    const locked = (): boolean => {
      throw new TokenwardenError('ERR_LOCKED');
    };
    expect(claimedName('github', locked)).toBe(UNKNOWN_NAME);
  });
});
