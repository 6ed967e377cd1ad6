/** Human output for list/show/status: aligned columns, relative times (shared/relative-time.ts), colour only when allowed. */
import { describePolicy } from '../../shared/policy.ts';
import { expiryText, relativeText } from '../../shared/relative-time.ts';
import type { CredentialDetail, CredentialStatus, CredentialSummary, IntrospectionView, UpstreamCaCertificate, VaultStatus } from '../../shared/model.ts';
import { visible } from '../../shared/visible-text.ts';

const STATUS_COLOURS: Record<CredentialStatus, number> = {
  valid: 32,
  expiring: 33,
  expired: 31,
  'needs-login': 35,
  'refresh-failed': 31,
  revoked: 90,
  locked: 90,
  'used-up': 90,
};

export function paint(text: string, code: number, color: boolean): string {
  return color ? `\x1b[${code}m${text}\x1b[0m` : text;
}

/**
 * Aligned columns. Every cell has its control and bidi characters escaped (shared/visible-text.ts) before it is
 * measured or coloured: cells carry text others chose (a client's name, its program path, an alert about it), and
 * a raw C1 CSI or a right-to-left override there would let it rewrite or hide rows on the terminal.
 */
export function formatTable(rows: string[][], colourCells?: (row: number, col: number, cell: string) => string): string {
  const shown = rows.map((row) => row.map((cell) => visible(cell)));
  const widths = shown[0]?.map((_, col) => Math.max(...shown.map((r) => (r[col] ?? '').length))) ?? [];
  return shown
    .map((row, r) =>
      row
        .map((cell, c) => {
          const padding = c === row.length - 1 ? '' : ' '.repeat(Math.max(0, (widths[c] ?? 0) - cell.length));
          return `${colourCells ? colourCells(r, c, cell) : cell}${padding}`;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function formatList(items: CredentialSummary[], now: number, color: boolean): string {
  if (items.length === 0) return 'No credentials yet. Add one with: tkw add NAME --host https://api.example.com --token-stdin';
  const rows = [
    ['NAME', 'KIND', 'HOSTS', 'SCOPES', 'EXPIRES', 'STATUS'],
    ...items.map((s) => [s.name, s.kind, s.hosts.join(','), s.scopes.join(' ') || '-', expiryText(s.expiresAt, now), s.status]),
  ];
  return formatTable(rows, (r, c, cell) => (r > 0 && c === 5 ? paint(cell, STATUS_COLOURS[cell as CredentialStatus] ?? 0, color) : r === 0 ? paint(cell, 1, color) : cell));
}

export function formatDetail(d: CredentialDetail, now: number, color: boolean): string {
  const lines: [string, string][] = [
    ['name', d.name],
    ['kind', d.kind],
    ['status', paint(d.status, STATUS_COLOURS[d.status], color)],
    ['hosts', d.hosts.join(', ')],
    ['auth policy', d.authPolicy],
    ...(d.allowInsecureLoopback ? [['plain http', 'allowed to loopback hosts (--allow-insecure-loopback)'] as [string, string]] : []),
    ['access', `${describePolicy(d.policy)}${d.usesLeft === null || d.usesLeft === undefined ? '' : ` (${d.usesLeft} left)`}`],
    ['scopes', d.scopes.join(' ') || '-'],
    ['audience', d.audience.join(', ') || '-'],
    ['subject', d.subject ?? '-'],
    ['issuer', d.issuer ?? '-'],
    ['expires', d.expiresAt ? `${d.expiresAt} (${expiryText(d.expiresAt, now)})` : 'never'],
    ['token', d.tokenTail ? `…${d.tokenTail}` : '-'],
    ['last used', relativeText(d.lastUsedAt, now)],
    ['last refresh', relativeText(d.lastRefreshAt, now)],
  ];
  if (d.oauth) lines.push(['oauth', `${d.oauth.grant} via ${d.oauth.issuer} (client ${d.oauth.clientId}${d.oauth.hasClientSecret ? ', with secret' : ''})`]);
  if (d.oauth?.redirectUri) lines.push(['redirect URI', `${d.oauth.redirectUri} (register this; each login adds a free port)`]);
  if (d.exec) lines.push(['command', d.exec.command]);
  // One line per certificate: a bundle is named in full, so a swapped second certificate is not hidden behind the first.
  d.upstreamCa?.forEach((cert, i) => lines.push([i === 0 ? 'upstream CA' : '', formatUpstreamCa(cert)]));
  if (d.upstreamCa?.length === 0) lines.push(['upstream CA', 'set, but no certificate in it can be read (replace it: tkw update --upstream-ca FILE)']);
  if (d.lastError) lines.push(['last error', `${d.lastError.message} (${d.lastError.code})`]);
  const width = Math.max(...lines.map(([k]) => k.length));
  let text = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n');
  if (d.claims) text += `\n\nclaims:\n${JSON.stringify(d.claims, null, 2)}`;
  return text;
}

/** `CN (SHA256 AB:CD:…)`, the fingerprint worded as `tkw status` words the proxy CA's. */
export function formatUpstreamCa(cert: UpstreamCaCertificate): string {
  return `${cert.subject} (SHA256 ${cert.fingerprint})`;
}

const mib = (bytes: number): string => `${(bytes / 1048576).toFixed(1)} MiB`;

/** `ca` is the fingerprint of the CA file the owner wrote, so it can be compared with what a trust store holds. */
export function formatStatus(s: VaultStatus, ca?: { path: string; fingerprint: string | null }, noOwner?: string): string {
  return [
    `vault       ${noOwner ?? (s.locked ? 'locked' : 'unlocked')} (${s.vaultPath})`,
    `keyslots    ${s.keyslots.join(', ') || 'none yet'}`,
    `data dir    ${s.dataDir}`,
    `owner       ${s.ownerPid ? `pid ${s.ownerPid}` : 'none'}`,
    `proxy       ${s.proxy ? s.proxy.url : 'not running (start `tokenwarden daemon`)'}`,
    ...(s.memory ? [`memory      ${mib(s.memory.rssBytes)} resident, JS heap ${mib(s.memory.heapUsedBytes)} of ${mib(s.memory.heapTotalBytes)}`] : []),
    `credentials ${s.credentialCount ?? '-'}`,
    ...(s.openAlerts !== undefined ? [`alerts      ${s.openAlerts} open${s.openAlerts > 0 ? ' (see `tkw alerts`)' : ''}`] : []),
    ...(ca ? [`ca          ${ca.fingerprint ? `SHA256 ${ca.fingerprint}` : 'not written yet'} (${ca.path})`] : []),
    ...s.warnings.map((w) => `warning     ${w}`),
  ].join('\n');
}

export function formatIntrospection(view: IntrospectionView): string {
  const parts = [view.active ? 'active' : 'inactive'];
  if (view.scope) parts.push(`scope "${view.scope}"`);
  if (view.exp) parts.push(`exp ${new Date(view.exp * 1000).toISOString()}`);
  if (view.clientId) parts.push(`client ${view.clientId}`);
  return `introspection  ${parts.join(', ')} (asked the IdP at ${view.checkedAt})`;
}
