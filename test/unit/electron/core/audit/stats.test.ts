import { describe, expect, it } from 'vitest';
import { StatsAccumulator } from '../../../../../electron/core/audit/stats.ts';
import { request } from '../../../../fixtures/audit-helpers.ts';

describe('StatsAccumulator', () => {
  it('counts requests per credential and status class, and p50/p99 within 4%', () => {
    const stats = new StatsAccumulator();
    const start = Date.parse('2026-01-01T12:00:00.000Z');
    for (let i = 1; i <= 100; i++) {
      stats.add({ ...request({ durationMs: i, status: i <= 90 ? 200 : i <= 95 ? 404 : 502, path: i % 2 ? '/odd' : '/even' }), ts: new Date(start + i * 1000).toISOString() });
    }
    stats.add({ ...request({ credential: 'b', durationMs: 5 }), ts: new Date(start + 90_000).toISOString() });
    stats.add({ ...request({ kind: 'event', status: null }), ts: new Date(start).toISOString() });
    const report = stats.report(start, start + 3 * 60_000);
    const github = report.credentials.find((c) => c.name === 'github')!;
    expect(github).toMatchObject({ requests: 100, errors: 10, classes: { '2xx': 90, '4xx': 5, '5xx': 5 } });
    expect(github.p50Ms!).toBeGreaterThanOrEqual(50 * 0.96);
    expect(github.p50Ms!).toBeLessThanOrEqual(50 * 1.04);
    expect(github.p99Ms!).toBeGreaterThanOrEqual(99 * 0.96);
    expect(github.p99Ms!).toBeLessThanOrEqual(99 * 1.04);
    expect(github.lastUsedAt).toBe(new Date(start + 100_000).toISOString());
    expect(report.series.github).toEqual([59, 41, 0, 0]);
    expect(report.series.b).toEqual([0, 1, 0, 0]);
    expect(report.statusMix).toMatchObject({ '2xx': 91, '4xx': 5, '5xx': 5 });
    expect(report.topPaths[0]).toMatchObject({ credential: 'github', count: 50 });
    expect(report.latency.p50).toHaveLength(4);
    expect(report.latency.p50[2]).toBeNull();
  });

  it('prunes buckets older than its retention', () => {
    const stats = new StatsAccumulator({ retainMs: 60_000 });
    stats.add({ ...request(), ts: '2026-01-01T00:00:00.000Z' });
    stats.prune(Date.parse('2026-01-01T01:00:00.000Z'));
    expect(stats.report(Date.parse('2026-01-01T00:00:00.000Z'), Date.parse('2026-01-01T00:05:00.000Z')).credentials).toEqual([]);
  });
});
