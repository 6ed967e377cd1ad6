/** The four Activity charts (uPlot), each a figure with a caption and a data table for screen readers and keyboards. */
import type uPlot from 'uplot';
import type { StatsReport, StatusClass } from '../../../shared/audit-model.ts';
import type { ChartTheme } from './chart-theme.ts';
import { UplotChart } from './uplot-chart.tsx';

const CLASSES: StatusClass[] = ['2xx', '3xx', '4xx', '5xx', '1xx'];

function axes(theme: ChartTheme, yLabel: string): uPlot.Axis[] {
  const common = { stroke: theme.text, grid: { stroke: theme.grid, width: 1 }, ticks: { stroke: theme.grid, width: 1 }, font: '11px system-ui, sans-serif' };
  return [common, { ...common, label: yLabel, labelFont: '11px system-ui, sans-serif', size: 48 }];
}

function minuteLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The last `rows` minutes that had traffic, newest first, for the data tables. */
function busyMinutes(report: StatsReport, rows = 10): number[] {
  const idx: number[] = [];
  for (let i = report.bucketStarts.length - 1; i >= 0 && idx.length < rows; i--) {
    if (Object.values(report.series).some((s) => (s[i] ?? 0) > 0)) idx.push(i);
  }
  return idx;
}

function Figure({ id, title, children, table }: { id: string; title: string; children: React.ReactNode; table: React.ReactNode }) {
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      {children}
      <details className="chart-data">
        <summary>Data table: {title.toLowerCase()}</summary>
        {table}
      </details>
    </figure>
  );
}

export function RequestsChart({ report, theme }: { report: StatsReport; theme: ChartTheme }) {
  const names = Object.keys(report.series).sort();
  const x = report.bucketStarts.map((t) => t / 1000);
  const data = [x, ...names.map((n) => report.series[n]!)] as uPlot.AlignedData;
  const minutes = busyMinutes(report);
  return (
    <Figure
      id="chart-requests"
      title="Requests per minute, by credential"
      table={
        <table>
          <caption className="sr-only">Requests per minute for the busiest recent minutes</caption>
          <thead>
            <tr>
              <th scope="col">Minute</th>
              {names.map((n) => (
                <th key={n} scope="col">
                  {n}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {minutes.map((i) => (
              <tr key={i}>
                <th scope="row">{minuteLabel(report.bucketStarts[i]!)}</th>
                {names.map((n) => (
                  <td key={n}>{report.series[n]![i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <UplotChart
        className="chart-canvas"
        height={180}
        data={data}
        optionsKey={`${names.join(',')}|${theme.text}`}
        options={() => ({
          width: 0,
          height: 0,
          legend: { show: names.length > 0 },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          axes: axes(theme, 'req/min'),
          series: [{}, ...names.map((n, i) => ({ label: n, stroke: theme.series[i % theme.series.length], width: 2, points: { show: false } }))],
        })}
      />
    </Figure>
  );
}

export function LatencyChart({ report, theme }: { report: StatsReport; theme: ChartTheme }) {
  const x = report.bucketStarts.map((t) => t / 1000);
  const data = [x, report.latency.p50, report.latency.p99] as uPlot.AlignedData;
  const minutes = busyMinutes(report);
  return (
    <Figure
      id="chart-latency"
      title="Latency p50 and p99 (ms)"
      table={
        <table>
          <caption className="sr-only">Latency percentiles for the busiest recent minutes</caption>
          <thead>
            <tr>
              <th scope="col">Minute</th>
              <th scope="col">p50 ms</th>
              <th scope="col">p99 ms</th>
            </tr>
          </thead>
          <tbody>
            {minutes.map((i) => (
              <tr key={i}>
                <th scope="row">{minuteLabel(report.bucketStarts[i]!)}</th>
                <td>{report.latency.p50[i] ?? '—'}</td>
                <td>{report.latency.p99[i] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <UplotChart
        className="chart-canvas"
        height={180}
        data={data}
        optionsKey={theme.text}
        options={() => ({
          width: 0,
          height: 0,
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 1)] } },
          axes: axes(theme, 'ms'),
          series: [
            {},
            { label: 'p50', stroke: theme.series[0], width: 2, spanGaps: false, points: { show: true, size: 4 } },
            { label: 'p99', stroke: theme.series[1], width: 2, dash: [6, 4], spanGaps: false, points: { show: true, size: 4 } },
          ],
        })}
      />
    </Figure>
  );
}

export function StatusMixChart({ report, theme, bars }: { report: StatsReport; theme: ChartTheme; bars: uPlot.Series.PathBuilder }) {
  const counts = CLASSES.map((c) => report.statusMix[c] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const data = [CLASSES.map((_c, i) => i), counts] as uPlot.AlignedData;
  return (
    <Figure
      id="chart-status"
      title="Status classes"
      table={
        <table>
          <caption className="sr-only">Responses by status class in the last hour</caption>
          <thead>
            <tr>
              <th scope="col">Class</th>
              <th scope="col">Responses</th>
              <th scope="col">Share</th>
            </tr>
          </thead>
          <tbody>
            {CLASSES.map((c, i) => (
              <tr key={c}>
                <th scope="row">{c}</th>
                <td>{counts[i]}</td>
                <td>{total ? `${Math.round((counts[i]! / total) * 100)}%` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      }
    >
      <UplotChart
        className="chart-canvas"
        height={180}
        data={data}
        optionsKey={theme.text}
        options={() => ({
          width: 0,
          height: 0,
          legend: { show: false },
          cursor: { show: false },
          scales: { x: { time: false, range: [-0.5, CLASSES.length - 0.5] }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          axes: [
            { ...axes(theme, '')[0], values: (_u, splits) => splits.map((s) => CLASSES[Math.round(s)] ?? ''), splits: () => CLASSES.map((_c, i) => i) },
            axes(theme, 'responses')[1]!,
          ],
          series: [{}, { label: 'responses', fill: theme.accent, stroke: theme.accent, paths: bars, points: { show: false } }],
        })}
      />
    </Figure>
  );
}
