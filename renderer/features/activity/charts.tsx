/** The Activity charts (uPlot), each a ChartFigure: a captioned canvas with a data table for screen readers and keyboards. */
import type { ReactNode } from 'react';
import type uPlot from 'uplot';
import type { StatsReport, StatusClass } from '../../../shared/audit-model.ts';
import type { ChartTheme } from './chart-theme.ts';
import { ChartFigure } from './chart-figure.tsx';
import type { DataRow } from './data-table.tsx';

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

/** Data-table rows for those minutes: the minute as the row header, then `values(i)` for bucket i. */
function minuteRows(report: StatsReport, values: (i: number) => ReactNode[]): DataRow[] {
  return busyMinutes(report).map((i) => ({ key: i, cells: [minuteLabel(report.bucketStarts[i]!), ...values(i)] }));
}

export function RequestsChart({ report, theme }: { report: StatsReport; theme: ChartTheme }) {
  const names = Object.keys(report.series).sort();
  const x = report.bucketStarts.map((t) => t / 1000);
  const data = [x, ...names.map((n) => report.series[n]!)] as uPlot.AlignedData;
  return (
    <ChartFigure
      id="chart-requests"
      title="Requests per minute, by credential"
      table={{
        caption: 'Requests per minute for the busiest recent minutes',
        columns: ['Minute', ...names],
        rows: minuteRows(report, (i) => names.map((n) => report.series[n]![i] ?? 0)),
      }}
      data={data}
      optionsKey={`${names.join(',')}|${theme.text}`}
      options={() => ({
        legend: { show: names.length > 0 },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
        axes: axes(theme, 'req/min'),
        series: [{}, ...names.map((n, i) => ({ label: n, stroke: theme.series[i % theme.series.length], width: 2, points: { show: false } }))],
      })}
    />
  );
}

export function LatencyChart({ report, theme }: { report: StatsReport; theme: ChartTheme }) {
  const x = report.bucketStarts.map((t) => t / 1000);
  const data = [x, report.latency.p50, report.latency.p99] as uPlot.AlignedData;
  return (
    <ChartFigure
      id="chart-latency"
      title="Latency p50 and p99 (ms)"
      table={{
        caption: 'Latency percentiles for the busiest recent minutes',
        columns: ['Minute', 'p50 ms', 'p99 ms'],
        rows: minuteRows(report, (i) => [report.latency.p50[i] ?? '—', report.latency.p99[i] ?? '—']),
      }}
      data={data}
      optionsKey={theme.text}
      options={() => ({
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
  );
}

export function StatusMixChart({ report, theme, bars }: { report: StatsReport; theme: ChartTheme; bars: uPlot.Series.PathBuilder }) {
  const counts = CLASSES.map((c) => report.statusMix[c] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  const data = [CLASSES.map((_c, i) => i), counts] as uPlot.AlignedData;
  return (
    <ChartFigure
      id="chart-status"
      title="Status classes"
      table={{
        caption: 'Responses by status class in the last hour',
        columns: ['Class', 'Responses', 'Share'],
        rows: CLASSES.map((c, i) => ({
          key: c,
          cells: [c, counts[i], total ? `${Math.round((counts[i]! / total) * 100)}%` : '—'],
        })),
      }}
      data={data}
      optionsKey={theme.text}
      options={() => ({
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
  );
}
