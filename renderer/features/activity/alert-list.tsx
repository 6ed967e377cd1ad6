/** The alert list: open alerts first, each acknowledgeable by keyboard; acknowledged ones greyed below. */
import { useState } from 'react';
import type { AlertItem } from '../../../shared/audit-model.ts';
import { errorText } from '../../api.ts';
import { relativeText } from '../../../shared/relative-time.ts';
import { acknowledge } from './activity-store.ts';

export function AlertList({ alerts, now, onError }: { alerts: AlertItem[]; now: number; onError: (text: string) => void }) {
  const [busy, setBusy] = useState<string | null>(null);
  const open = alerts.filter((a) => a.acknowledgedAt === null);
  const done = alerts.filter((a) => a.acknowledgedAt !== null).slice(0, 20);
  const ack = (input: { id: string } | { all: true }, key: string) => {
    setBusy(key);
    acknowledge(input)
      .catch((err: unknown) => onError(errorText(err)))
      .finally(() => setBusy(null));
  };
  return (
    <section className="alerts" aria-labelledby="alerts-title">
      <div className="alerts-head">
        <h2 id="alerts-title">
          Alerts <span className="count">{open.length} open</span>
        </h2>
        {open.length > 1 ? (
          <button type="button" onClick={() => ack({ all: true }, 'all')} disabled={busy !== null}>
            Acknowledge all
          </button>
        ) : null}
      </div>
      {open.length === 0 ? <p className="muted">No open alerts.</p> : null}
      <ul className="alert-items">
        {[...open, ...done].map((a) => (
          <li key={a.id} className={`alert-item alert-${a.level}${a.acknowledgedAt ? ' alert-done' : ''}`}>
            <span className={`badge alert-kind alert-kind-${a.level}`}>{a.kind}</span>
            <span className="alert-text">
              {a.message}
              <span className="muted">
                {' '}
                · {relativeText(a.lastAt, now)}
                {a.count > 1 ? ` · ${a.count} times` : ''}
                {a.acknowledgedAt ? ' · acknowledged' : ''}
              </span>
            </span>
            {a.acknowledgedAt ? null : (
              <button type="button" onClick={() => ack({ id: a.id }, a.id)} disabled={busy !== null} aria-label={`Acknowledge ${a.kind}${a.credential ? ` for ${a.credential}` : ''}`}>
                Acknowledge
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
