/**
 * One Activity chart: a captioned figure holding a uPlot canvas and, behind a disclosure, the same numbers as
 * a data table. The canvas is hidden from assistive technology (see UplotChart), so the table is what screen
 * reader and keyboard users get: every chart must come with one, which is why they are built together here.
 */
import type uPlot from 'uplot';
import { DataTable, type DataTableProps } from './data-table.tsx';
import { UplotChart } from './uplot-chart.tsx';

const CHART_HEIGHT = 180;

export interface ChartFigureProps {
  id: string;
  title: string;
  table: DataTableProps;
  data: uPlot.AlignedData;
  /** Rebuilds the chart when it changes (series set, theme); see UplotChart. */
  optionsKey: string;
  /** Everything but the size, which UplotChart takes from the figure's box. */
  options: () => Omit<uPlot.Options, 'width' | 'height'>;
}

export function ChartFigure({ id, title, table, data, optionsKey, options }: ChartFigureProps) {
  return (
    <figure className="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="chart-title">
        {title}
      </figcaption>
      <UplotChart className="chart-canvas" height={CHART_HEIGHT} data={data} optionsKey={optionsKey} options={() => ({ width: 0, height: 0, ...options() })} />
      <details className="chart-data">
        <summary>Data table: {title.toLowerCase()}</summary>
        <DataTable {...table} />
      </details>
    </figure>
  );
}
