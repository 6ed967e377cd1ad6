/** Chart colours from the app's CSS variables, so uPlot canvases follow the light and dark themes. */
import { useEffect, useState } from 'react';

export interface ChartTheme {
  text: string;
  grid: string;
  accent: string;
  series: string[];
  classes: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', string>;
}

const LIGHT_SERIES = ['#2456c9', '#b3261e', '#1f7a3d', '#8a4b00', '#6b3fa0', '#007080'];
const DARK_SERIES = ['#8fb0ff', '#ff8a80', '#8fe0a8', '#ffd98a', '#d0b0ff', '#7fdbe6'];

function read(): ChartTheme {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string) => css.getPropertyValue(name).trim();
  const dark = window.matchMedia('(prefers-color-scheme: dark)').matches;
  const series = dark ? DARK_SERIES : LIGHT_SERIES;
  return {
    text: v('--muted') || '#59636e',
    grid: v('--border') || '#d9dde3',
    accent: v('--accent') || '#2456c9',
    series,
    classes: { '1xx': series[5]!, '2xx': series[2]!, '3xx': series[0]!, '4xx': series[3]!, '5xx': series[1]! },
  };
}

export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState(read);
  useEffect(() => {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => setTheme(read());
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }, []);
  return theme;
}
