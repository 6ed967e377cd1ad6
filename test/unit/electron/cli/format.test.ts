import { describe, expect, it } from 'vitest';
import { formatAlerts, formatAuditTable } from '../../../../electron/cli/audit-format.ts';
import { formatList, formatTable } from '../../../../electron/cli/format.ts';
import type { AlertItem, AuditEntry } from '../../../../shared/audit-model.ts';
import { expiryText, relativeText } from '../../../../shared/relative-time.ts';
import type { CredentialSummary } from '../../../../shared/model.ts';

const now = Date.parse('2026-01-01T00:00:00Z');
/** C0 but the newline between rows, DEL, C1, and the bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
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

  it('L2 every table cell has its C0, C1 and bidi controls escaped before it is aligned and coloured', () => {
    const text = formatTable(
      [
        ['A', 'B', 'C'],
        ['x\u009b2K', 'line\nbreak\u202e', 'tab\tend\u2066'],
        ['plain', '$& $\'', '-'],
      ],
      (r, c, cell) => (r > 0 && c === 0 ? `<${cell}>` : cell),
    );
    expect(text).not.toMatch(CONTROL);
    // Widths count the escaped cell, never the colouring around it (here `<` and `>`, as ANSI codes would be).
    expect(text.split('\n')).toEqual([
      `A${' '.repeat(12)}B${' '.repeat(26)}C`,
      '<x\\u{009B}2K>  line\\u{000A}break\\u{202E}  tab\\u{0009}end\\u{2066}',
      `<plain>${' '.repeat(8)}$& $'${' '.repeat(22)}-`,
    ]);
  });

  it('L2 tkw audit and tkw alerts print a program path and an alert message with their controls escaped', () => {
    const entry = {
      ts: '2026-01-01T00:00:00.000Z', seq: 1, kind: 'alert', credential: 'api', key: null, mode: null, method: null, origin: null, path: null,
      status: null, durationMs: null, bytesIn: null, bytesOut: null, code: null, client: { pid: 7, exe: '/tmp/bin\u202e/node\u009b2K', name: 'cli_2K' },
      action: null, outcome: null, detail: 'node\u009b2K used "api"', alert: { id: 'a1', kind: 'new-client', level: 'warning' },
    } as unknown as AuditEntry;
    const audit = formatAuditTable([entry], false);
    expect(audit).toContain('cli_2K node\\u{009B}2K[7]');
    expect(audit).toContain('new-client: node\\u{009B}2K used "api"');
    const alert = { id: 'a1', kind: 'new-client', level: 'warning', credential: 'api', count: 1, firstAt: '2026-01-01T00:00:00.000Z', lastAt: '2026-01-01T00:00:00.000Z', acknowledgedAt: null, message: 'cli_2K (via node\u009b2K) used "api" (/tmp/bin\u202e/node\u009b2K)' } as unknown as AlertItem;
    const alerts = formatAlerts([alert], now, false, false);
    expect(alerts).toContain('(/tmp/bin\\u{202E}/node\\u{009B}2K)');
    for (const text of [audit, alerts]) expect(text).not.toMatch(CONTROL);
  });
});
