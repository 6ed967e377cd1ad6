/** Small helpers shared by the benches: timing, percentiles and the results file shape. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';

export interface BenchTable {
  title: string;
  columns: string[];
  rows: (string | number)[][];
  notes: string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const round = (n: number, digits = 1): number => Math.round(n * 10 ** digits) / 10 ** digits;

export function writeResults(name: string, results: Record<string, unknown>, table: BenchTable): string {
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name}.json`);
  const body = { name, machine: { cores: availableParallelism(), node: process.version, platform: process.platform }, measuredAt: new Date().toISOString(), results, table };
  writeFileSync(file, `${JSON.stringify(body, null, 2)}\n`);
  return file;
}
