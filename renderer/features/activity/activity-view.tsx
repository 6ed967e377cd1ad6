/** The Activity view: live charts of proxied traffic over the last hour (uPlot), top paths and the alert list. */
import { useMemo } from 'react';
import uPlot from 'uplot';
import { useNow } from '../../lib/use-now.ts';
import { useActivity } from './activity-store.ts';
import { AlertList } from './alert-list.tsx';
import { useChartTheme } from './chart-theme.ts';
import { LatencyChart, RequestsChart, StatusMixChart } from './charts.tsx';
import { DataTable } from './data-table.tsx';
import './activity.css';

export function ActivityView({ onError }: { onError: (text: string) => void }) {
  const { stats, alerts, error } = useActivity();
  const theme = useChartTheme();
  const now = useNow(10_000);
  const bars = useMemo(() => uPlot.paths.bars!({ size: [0.6, 80] }), []);
  const totals = useMemo(() => {
    const creds = stats?.credentials ?? [];
    const requests = creds.reduce((a, c) => a + c.requests, 0);
    const errors = creds.reduce((a, c) => a + c.errors, 0);
    return { requests, errors };
  }, [stats]);

  return (
    <main className="activity" aria-labelledby="activity-title">
      <div className="activity-head">
        <h2 id="activity-title">Activity</h2>
        <p className="muted">Proxied requests in the last hour, from the audit trail. Updates live.</p>
      </div>
      {error ? (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      ) : null}
      {stats ? (
        <>
          <dl className="activity-totals" aria-label="Totals for the last hour">
            <div>
              <dt>Requests</dt>
              <dd>{totals.requests}</dd>
            </div>
            <div>
              <dt>Errors (4xx/5xx)</dt>
              <dd>{totals.errors}</dd>
            </div>
            <div>
              <dt>Credentials used</dt>
              <dd>{stats.credentials.length}</dd>
            </div>
            <div>
              <dt>Open alerts</dt>
              <dd>{alerts.filter((a) => a.acknowledgedAt === null).length}</dd>
            </div>
          </dl>
          <div className="charts">
            <RequestsChart report={stats} theme={theme} />
            <StatusMixChart report={stats} theme={theme} bars={bars} />
            <LatencyChart report={stats} theme={theme} />
            <section className="chart top-paths" aria-labelledby="top-paths-title">
              <h3 id="top-paths-title" className="chart-title">
                Top paths
              </h3>
              {stats.topPaths.length === 0 ? (
                <p className="muted">No requests yet.</p>
              ) : (
                <table>
                  <thead>
                    <tr>
                      <th scope="col">Credential</th>
                      <th scope="col">Path</th>
                      <th scope="col">Requests</th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.topPaths.map((p) => (
                      <tr key={`${p.credential} ${p.path}`}>
                        <td>{p.credential}</td>
                        <td className="mono">{p.path}</td>
                        <td>{p.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
          <section className="per-credential" aria-labelledby="per-credential-title">
            <h3 id="per-credential-title" className="chart-title">
              Per credential
            </h3>
            <DataTable
              columns={['Credential', 'Requests', '2xx', '4xx', '5xx', 'p50 ms', 'p99 ms']}
              rows={stats.credentials.map((c) => ({
                key: c.name,
                cells: [c.name, c.requests, c.classes['2xx'] ?? 0, c.classes['4xx'] ?? 0, c.classes['5xx'] ?? 0, c.p50Ms ?? '—', c.p99Ms ?? '—'],
              }))}
            />
          </section>
        </>
      ) : (
        <p aria-busy="true">Loading activity…</p>
      )}
      <AlertList alerts={alerts} now={now} onError={onError} />
    </main>
  );
}
