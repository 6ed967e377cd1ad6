/** A uPlot canvas managed by React: created once per option set, fed new data in place, resized with its box. */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface UplotChartProps {
  /** Builds the options for a given width; rebuilt when `optionsKey` changes (series set, theme). */
  options: (width: number) => uPlot.Options;
  optionsKey: string;
  data: uPlot.AlignedData;
  height: number;
  className?: string;
}

export function UplotChart({ options, optionsKey, data, height, className }: UplotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const latest = useRef(data);
  latest.current = data;

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = Math.max(40, el.clientWidth);
    const chart = new uPlot({ ...options(width), width, height }, latest.current, el);
    plot.current = chart;
    // The canvas carries no information a screen reader can use; each chart has a table alternative.
    chart.root.setAttribute('aria-hidden', 'true');
    const observer = new ResizeObserver(() => {
      const w = Math.max(40, el.clientWidth);
      if (w !== chart.width) chart.setSize({ width: w, height });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Rebuilt only when the series set or theme changes; data updates go through setData below.
  }, [optionsKey, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return <div ref={box} className={className} />;
}
