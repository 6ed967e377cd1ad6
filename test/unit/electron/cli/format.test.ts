import { describe, expect, it } from 'vitest';
import { formatList } from '../../../../electron/cli/format.ts';
import { expiryText, relativeText } from '../../../../shared/relative-time.ts';
import type { CredentialSummary } from '../../../../shared/model.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
const summary: CredentialSummary = {
  name: 'github', kind: 'static', hosts: ['https://api.github.com'], scopes: ['repo', 'user'], audience: [], subject: null, issuer: null,
  authPolicy: 'reject', allowInsecureLoopback: false, expiresAt: '2026-01-01T00:59:30Z', status: 'valid', lastUsedAt: null,
  lastRefreshAt: null, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z', tokenTail: 'wxyz',
};

describe('format', () => {
  it('uses the one shared relative-time formatter, the same units as the desktop app', () => {
    expect(expiryText('2026-01-01T00:59:30Z', now)).toBe('in 59m 30s');
    expect(expiryText('2025-12-31T21:00:00Z', now)).toBe('expired 3h ago');
    expect(expiryText(null, now)).toBe('never');
    expect(relativeText('2025-12-31T21:00:00Z', now)).toBe('3h ago');
    expect(relativeText(null, now)).toBe('never');
  });

  it('prints aligned rows without colour when colour is off (NO_COLOR / pipes)', () => {
    const text = formatList([summary], now, false);
    expect(text).not.toContain('\x1b[');
    expect(text.split('\n')[1]).toMatch(/^github\s+static\s+https:\/\/api\.github\.com\s+repo user\s+in 59m 30s\s+valid$/);
  });

  it('colours the status only when allowed', () => {
    expect(formatList([summary], now, true)).toContain('\x1b[32mvalid\x1b[0m');
  });

  it('teaches how to add a credential when the list is empty', () => {
    expect(formatList([], now, false)).toContain('tkw add');
  });
});
