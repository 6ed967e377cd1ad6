/** One row of the token list: name, kind, hosts, scope chips, expiry countdown, status. */
import { memo, type CSSProperties } from 'react';
import type { CredentialSummary } from '../../../shared/model.ts';
import { StatusBadge } from '../../components/status-badge.tsx';
import { expiryText } from '../../../shared/relative-time.ts';
import { UsageSparkline } from '../activity/usage-sparkline.tsx';

export interface TokenRowProps {
  item: CredentialSummary;
  index: number;
  total: number;
  selected: boolean;
  now: number;
  style: CSSProperties;
  onSelect: (name: string) => void;
}

// Chips are shown while they fit a character budget that matches the column at its minimum width;
// the rest is summarised as +N rather than clipped mid-word.
const CHIP_BUDGET = 24;

function visibleScopes(scopes: string[]): string[] {
  const out: string[] = [];
  let used = 0;
  for (const s of scopes) {
    if (out.length > 0 && used + s.length > CHIP_BUDGET) break;
    out.push(s);
    used += s.length + 3;
  }
  return out;
}

export const TokenRow = memo(function TokenRow({ item, index, total, selected, now, style, onSelect }: TokenRowProps) {
  const extraHosts = item.hosts.length - 1;
  const shown = visibleScopes(item.scopes);
  const extraScopes = item.scopes.length - shown.length;
  return (
    <div
      id={`row-${item.name}`}
      role="option"
      aria-selected={selected}
      aria-posinset={index + 1}
      aria-setsize={total}
      className={`row${selected ? ' row-selected' : ''}`}
      style={style}
      onClick={() => onSelect(item.name)}
    >
      <span className="cell cell-name" title={item.name}>
        <span className="name">{item.name}</span>
        <span className={`kind kind-${item.kind}`}>{item.kind}</span>
        <UsageSparkline name={item.name} />
      </span>
      <span className="cell cell-hosts" title={item.hosts.join('\n')}>
        {/* The scheme stays visible: http:// (loopback only) must never look like https://. */}
        {item.hosts[0] ?? '—'}
        {extraHosts > 0 ? <span className="more"> +{extraHosts}</span> : null}
      </span>
      <span className="cell cell-scopes" title={item.scopes.join(' ') || undefined}>
        {shown.map((s) => (
          <span key={s} className="chip">
            {s}
          </span>
        ))}
        {extraScopes > 0 ? <span className="chip chip-more">+{extraScopes}</span> : null}
        {item.scopes.length === 0 ? <span className="muted">—</span> : null}
      </span>
      <span className="cell cell-expiry" title={item.expiresAt ?? 'never expires'}>
        {expiryText(item.expiresAt, now)}
      </span>
      <span className="cell cell-status">
        <StatusBadge status={item.status} />
      </span>
    </div>
  );
});
