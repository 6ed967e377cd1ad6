/** Usage statistics in per-minute buckets: counts, status classes, latency percentiles and top paths. */
import type { AuditEntry, CredentialStats, StatsReport, StatusClass, StatusClassCounts } from '../../../shared/audit-model.ts';

/** Latency histogram buckets grow by 4%, so p50/p99 are within 4% of the exact value at constant memory. */
const GROWTH = 1.04;
const LOG_GROWTH = Math.log(GROWTH);
const MAX_PATHS_PER_BUCKET = 200;
const CLASSES: StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

interface Bucket {
  count: number;
  classes: number[];
  hist: Map<number, number>;
  paths: Map<string, number>;
  lastAt: number;
}

export type StatsInput = Pick<AuditEntry, 'kind' | 'credential' | 'status' | 'durationMs' | 'path' | 'ts'>;

function histIndex(ms: number): number {
  return ms <= 0.01 ? 0 : Math.ceil(Math.log(ms * 100) / LOG_GROWTH);
}

function histValue(index: number): number {
  return Math.round((GROWTH ** index / 100) * 100) / 100;
}

function percentile(hist: Map<number, number>, total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(total * p));
  let seen = 0;
  for (const index of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(index)!;
    if (seen >= rank) return histValue(index);
  }
  return null;
}

function mergeInto(target: Map<number, number>, source: Map<number, number>): void {
  for (const [k, v] of source) target.set(k, (target.get(k) ?? 0) + v);
}

function classIndex(status: number): number {
  return Math.min(4, Math.max(0, Math.floor(status / 100) - 1));
}

export interface StatsOptions {
  bucketMs?: number;
  /** Buckets older than this are dropped by `prune` (default 24 h). */
  retainMs?: number;
}

export class StatsAccumulator {
  readonly #bucketMs: number;
  readonly #retainMs: number;
  /** bucket start -> credential -> bucket */
  readonly #buckets = new Map<number, Map<string, Bucket>>();

  constructor(options: StatsOptions = {}) {
    this.#bucketMs = options.bucketMs ?? 60_000;
    this.#retainMs = options.retainMs ?? 24 * 3_600_000;
  }

  get retainMs(): number {
    return this.#retainMs;
  }

  /** Only proxied requests count; events and alerts are ignored. `ts` overrides the entry's own (a live record has none yet). */
  add(entry: Omit<StatsInput, 'ts'> & { ts?: string }, ts = entry.ts): void {
    if (entry.kind !== 'request' || entry.status === null || ts === undefined) return;
    const at = Date.parse(ts);
    const start = at - (at % this.#bucketMs);
    let byName = this.#buckets.get(start);
    if (!byName) this.#buckets.set(start, (byName = new Map()));
    const name = entry.credential ?? '(none)';
    let bucket = byName.get(name);
    if (!bucket) byName.set(name, (bucket = { count: 0, classes: [0, 0, 0, 0, 0], hist: new Map(), paths: new Map(), lastAt: 0 }));
    bucket.count++;
    bucket.classes[classIndex(entry.status)]!++;
    if (entry.durationMs !== null) {
      const index = histIndex(entry.durationMs);
      bucket.hist.set(index, (bucket.hist.get(index) ?? 0) + 1);
    }
    const path = entry.path ?? '/';
    if (bucket.paths.has(path) || bucket.paths.size < MAX_PATHS_PER_BUCKET) bucket.paths.set(path, (bucket.paths.get(path) ?? 0) + 1);
    if (at > bucket.lastAt) bucket.lastAt = at;
  }

  prune(now: number): void {
    for (const start of this.#buckets.keys()) if (start < now - this.#retainMs - this.#bucketMs) this.#buckets.delete(start);
  }

  report(sinceMs: number, untilMs: number): StatsReport {
    const first = sinceMs - (sinceMs % this.#bucketMs);
    const starts: number[] = [];
    for (let t = first; t <= untilMs; t += this.#bucketMs) starts.push(t);
    const totals = new Map<string, { count: number; classes: number[]; hist: Map<number, number>; lastAt: number }>();
    const series: Record<string, number[]> = {};
    const p50: (number | null)[] = [];
    const p99: (number | null)[] = [];
    const mix = [0, 0, 0, 0, 0];
    const paths = new Map<string, { credential: string; path: string; count: number }>();
    starts.forEach((start, i) => {
      const minute = new Map<number, number>();
      let minuteCount = 0;
      for (const [name, bucket] of this.#buckets.get(start) ?? []) {
        let total = totals.get(name);
        if (!total) totals.set(name, (total = { count: 0, classes: [0, 0, 0, 0, 0], hist: new Map(), lastAt: 0 }));
        total.count += bucket.count;
        bucket.classes.forEach((c, k) => {
          total.classes[k]! += c;
          mix[k]! += c;
        });
        mergeInto(total.hist, bucket.hist);
        mergeInto(minute, bucket.hist);
        minuteCount += [...bucket.hist.values()].reduce((a, b) => a + b, 0);
        total.lastAt = Math.max(total.lastAt, bucket.lastAt);
        (series[name] ??= new Array<number>(starts.length).fill(0))[i] = bucket.count;
        for (const [path, count] of bucket.paths) {
          const key = `${name} ${path}`;
          const item = paths.get(key) ?? { credential: name, path, count: 0 };
          item.count += count;
          paths.set(key, item);
        }
      }
      p50.push(percentile(minute, minuteCount, 0.5));
      p99.push(percentile(minute, minuteCount, 0.99));
    });
    const credentials: CredentialStats[] = [...totals.entries()]
      .map(([name, t]) => {
        const histTotal = [...t.hist.values()].reduce((a, b) => a + b, 0);
        const classes = countsOf(t.classes);
        return {
          name,
          requests: t.count,
          classes,
          errors: classes['4xx'] + classes['5xx'],
          p50Ms: percentile(t.hist, histTotal, 0.5),
          p99Ms: percentile(t.hist, histTotal, 0.99),
          lastUsedAt: t.lastAt ? new Date(t.lastAt).toISOString() : null,
        };
      })
      .sort((a, b) => b.requests - a.requests || a.name.localeCompare(b.name));
    return {
      since: new Date(sinceMs).toISOString(),
      until: new Date(untilMs).toISOString(),
      bucketMs: this.#bucketMs,
      credentials,
      series,
      bucketStarts: starts,
      latency: { p50, p99 },
      statusMix: countsOf(mix),
      topPaths: [...paths.values()].sort((a, b) => b.count - a.count || a.path.localeCompare(b.path)).slice(0, 10),
    };
  }
}

function countsOf(values: number[]): StatusClassCounts {
  return Object.fromEntries(CLASSES.map((c, i) => [c, values[i] ?? 0])) as StatusClassCounts;
}
