import { describe, expect, it } from 'vitest';
import { relativeText } from '../../../shared/relative-time.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const at = (seconds: number): string => new Date(now + seconds * 1000).toISOString();

describe('relativeText: past and future in the same wording', () => {
  it.each([
    [-3 * 3600, '3h ago'],
    [-250, '4m 10s ago'],
    [-4, 'just now'],
    [0, 'just now'],
    [4, 'just now'],
    [15 * 60, 'in 15m'],
    [2 * 3600, 'in 2h'],
    [3 * 86_400, 'in 3d'],
    [250, 'in 4m 10s'],
  ])('%i s from now reads "%s"', (seconds, text) => {
    expect(relativeText(at(seconds), now)).toBe(text);
  });

  it('says never for nothing and unknown for an unreadable time', () => {
    expect(relativeText(null, now)).toBe('never');
    expect(relativeText('soon', now)).toBe('unknown');
  });
});
