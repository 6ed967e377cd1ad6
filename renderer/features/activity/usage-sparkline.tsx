/** A credential row's requests over the last hour: a tiny uPlot line, with the count as text for screen readers. */
import type uPlot from 'uplot';
import { useActivity } from './activity-store.ts';
import { useChartTheme } from './chart-theme.ts';
import { UplotChart } from './uplot-chart.tsx';
import './activity.css';

export function UsageSparkline({ name }: { name: string }) {
  const { stats } = useActivity();
  const theme = useChartTheme();
  const series = stats?.series[name];
  const total = series?.reduce((a, b) => a + b, 0) ?? 0;
  if (!stats || !series || total === 0) return null;
  const data = [stats.bucketStarts.map((t) => t / 1000), series] as uPlot.AlignedData;
  return (
    <span className="sparkline" title={`${total} requests in the last hour`}>
      <UplotChart
        className="sparkline-canvas"
        height={18}
        data={data}
        optionsKey={theme.accent}
        options={() => ({
          width: 0,
          height: 0,
          pxAlign: false,
          cursor: { show: false },
          legend: { show: false },
          select: { show: false, left: 0, top: 0, width: 0, height: 0 },
          scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          axes: [{ show: false }, { show: false }],
          series: [{}, { stroke: theme.accent, width: 1.5, points: { show: false } }],
        })}
      />
      <span className="sr-only">{total} requests in the last hour</span>
    </span>
  );
}
