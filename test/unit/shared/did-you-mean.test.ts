import { describe, expect, it } from 'vitest';
import { closestNames, didYouMean } from '../../../shared/did-you-mean.ts';

describe('didYouMean', () => {
  it('suggests the closest name for a typo, a transposition or a missing letter', () => {
    expect(didYouMean('gihub', ['github', 'gitlab', 'jira'])).toBe('Did you mean "github"?');
    expect(didYouMean('lcoal', ['local', 'other'])).toBe('Did you mean "local"?');
    expect(didYouMean('jir', ['jira'])).toBe('Did you mean "jira"?');
  });

  it('offers every name at the same smallest distance, sorted', () => {
    expect(closestNames('prod-b', ['prod-c', 'prod-a', 'staging'])).toEqual(['prod-a', 'prod-c']);
    expect(didYouMean('prod-b', ['prod-c', 'prod-a'])).toBe('Did you mean "prod-a" or "prod-c"?');
  });

  it('stays quiet when nothing is close, and never suggests the word itself', () => {
    expect(didYouMean('zzz', ['github', 'jira'])).toBe('');
    expect(didYouMean('github', ['github'])).toBe('');
    expect(didYouMean('x', [])).toBe('');
  });
});
