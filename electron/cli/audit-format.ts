/**
 * Human output for `audit`, `stats` and `alerts`: aligned tables, secret-free by construction, with every cell's
 * control and bidi characters escaped by formatTable.
 */
import type { AlertItem, AuditEntry, StatsReport, TokenHealth } from '../../shared/audit-model.ts';
import { relativeText } from '../../shared/relative-time.ts';
import { visible } from '../../shared/visible-text.ts';
import { formatTable, paint } from './format.ts';

function statusColour(status: number | null): number {
  if (status === null) return 0;
  if (status >= 500) return 31;
  if (status >= 400) return 33;
  return 32;
}

function what(e: AuditEntry): string {
  if (e.kind === 'request') return `${e.method ?? ''} ${e.origin ?? ''}${e.path ?? ''}`.trim();
  if (e.kind === 'alert') return `${e.alert?.kind ?? 'alert'}: ${e.detail ?? ''}`;
  return `${e.action ?? ''}${e.outcome === 'failed' ? ' failed' : ''}${e.detail ? `: ${e.detail}` : ''}`;
}

function clientOf(e: AuditEntry): string {
  if (!e.client) return '-';
  const exe = e.client.exe ? e.client.exe.split('/').pop() : undefined;
  return [e.client.name, exe && `${exe}${e.client.pid ? `[${e.client.pid}]` : ''}`].filter(Boolean).join(' ') || '-';
}

export function formatAuditTable(entries: AuditEntry[], color: boolean): string {
  if (entries.length === 0) return 'No audit entries match.';
  const rows = [
    ['TIME', 'KIND', 'CREDENTIAL', 'STATUS', 'MS', 'CLIENT', 'WHAT'],
    ...entries.map((e) => [
      e.ts.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
      e.kind,
      e.credential ?? '-',
      e.status !== null ? `${e.status}${e.code ? ` ${e.code}` : ''}` : e.code ?? '-',
      e.durationMs !== null ? String(Math.round(e.durationMs)) : '-',
      clientOf(e),
      what(e).slice(0, 120),
    ]),
  ];
  return formatTable(rows, (r, c, cell) => (r === 0 ? paint(cell, 1, color) : c === 3 ? paint(cell, statusColour(entries[r - 1]!.status), color) : cell));
}

export function formatStats(report: StatsReport, now: number, color: boolean): string {
  if (report.credentials.length === 0) return `No proxied requests since ${report.since}.`;
  const ms = (v: number | null): string => (v === null ? '-' : v < 10 ? v.toFixed(1) : String(Math.round(v)));
  const rows = [
    ['NAME', 'REQUESTS', '2XX', '3XX', '4XX', '5XX', 'P50 MS', 'P99 MS', 'LAST USED'],
    ...report.credentials.map((c) => [c.name, String(c.requests), String(c.classes['2xx'] ?? 0), String(c.classes['3xx'] ?? 0), String(c.classes['4xx'] ?? 0), String(c.classes['5xx'] ?? 0), ms(c.p50Ms), ms(c.p99Ms), relativeText(c.lastUsedAt, now)]),
  ];
  return formatTable(rows, (r, _c, cell) => (r === 0 ? paint(cell, 1, color) : cell));
}

const LEVEL_COLOURS = { info: 36, warning: 33, error: 31 } as const;

export function formatAlerts(items: AlertItem[], now: number, color: boolean, all: boolean): string {
  if (items.length === 0) return all ? 'No alerts.' : 'No open alerts.';
  const rows = [
    ['ID', 'KIND', 'CREDENTIAL', 'COUNT', 'LAST', 'STATE', 'MESSAGE'],
    ...items.map((a) => [a.id, a.kind, a.credential ?? '-', String(a.count), relativeText(a.lastAt, now), a.acknowledgedAt ? 'acknowledged' : 'open', a.message]),
  ];
  return formatTable(rows, (r, c, cell) => (r === 0 ? paint(cell, 1, color) : c === 1 ? paint(cell, LEVEL_COLOURS[items[r - 1]!.level], color) : cell));
}

const SIGNATURE_WORDS: Record<TokenHealth['signature'], string> = {
  verified: 'verified',
  invalid: 'signature invalid',
  unreachable: 'issuer unreachable',
  'not-jwt': 'not a JWT',
};

export function formatHealth(health: TokenHealth): string {
  // The detail can quote the error from fetching the issuer's keys, which names the issuer's URL: escaped like a cell.
  return `signature      ${SIGNATURE_WORDS[health.signature]}: ${visible(health.detail)}`;
}
