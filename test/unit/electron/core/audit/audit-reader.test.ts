import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { pathWithQueryNames } from '../../../../../electron/core/audit/audit-entry.ts';
import { addRequestStats, forEachEntry, queryAudit, statusPredicate, verifyAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { StatsAccumulator } from '../../../../../electron/core/audit/stats.ts';
import { AUDIT_KEY, event, request, rewriteSegment, segmentLines, writer } from '../../../../fixtures/audit-helpers.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-read-', { create: true });

async function tenEntries(): Promise<string> {
  const dir = home();
  const log = writer(dir);
  for (let i = 1; i <= 10; i++) log.append(i % 5 === 0 ? event('rotate') : request({ path: `/n/${i}`, status: i === 3 ? 429 : i === 4 ? 503 : 200 }));
  await log.close();
  return dir;
}

describe('verify (L2)', () => {
  it('L2 an untouched log is intact, and counts its entries', async () => {
    const dir = await tenEntries();
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 10, problem: null });
  });

  it('L2 flipping one byte names the changed entry', async () => {
    const dir = await tenEntries();
    rewriteSegment(dir, 1, (lines) => lines.map((l, i) => (i === 4 ? l.replace('"/n/4"', '"/n/5"') : l)));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.intact).toBe(false);
    expect(result.problem).toMatchObject({ reason: 'changed', seq: 4, line: 5 });
    expect(result.problem!.message).toContain('entry #4');
  });

  it('L2 deleting a line names the removed entry', async () => {
    const dir = await tenEntries();
    rewriteSegment(dir, 1, (lines) => lines.filter((_l, i) => i !== 6));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'removed', seq: 6 });
    expect(result.problem!.message).toContain('Entry #6 was removed');
  });

  it('L2 swapping two lines names the reordering', async () => {
    const dir = await tenEntries();
    rewriteSegment(dir, 1, (lines) => {
      const copy = [...lines];
      [copy[2], copy[3]] = [copy[3]!, copy[2]!];
      return copy;
    });
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'reordered', seq: 3, line: 3 });
  });

  it('L2 a removed segment header, or a log sealed with another key, fails', async () => {
    const dir = await tenEntries();
    expect((await verifyAudit(dir, randomBytes(32))).intact).toBe(false);
    rewriteSegment(dir, 1, (lines) => lines.slice(1));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem?.reason).toBe('missing-start');
  });

  it('L2 a renumbered entry (seq edited to hide a deletion) fails its MAC', async () => {
    const dir = await tenEntries();
    rewriteSegment(dir, 1, (lines) => lines.filter((_l, i) => i !== 9).map((l, i) => (i >= 9 ? l.replace(/"seq":(\d+)/, (_m, n) => `"seq":${Number(n) - 1}`) : l)));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.intact).toBe(false);
    expect(result.problem?.seq).toBe(9);
  });
});

describe('queryAudit', () => {
  it('filters by status class, exact status, name and limit, oldest first', async () => {
    const dir = await tenEntries();
    expect((await queryAudit(dir, { status: '5xx' })).entries.map((e) => e.path)).toEqual(['/n/4']);
    expect((await queryAudit(dir, { status: '429,5xx' })).entries.map((e) => e.status)).toEqual([429, 503]);
    expect((await queryAudit(dir, { limit: 3 })).entries.map((e) => e.seq)).toEqual([8, 9, 10]);
    expect((await queryAudit(dir, { name: 'nobody' })).entries).toEqual([]);
    const all = await queryAudit(dir, { limit: 0 });
    expect(all.matched).toBe(10);
    expect(all.entries[0]).toMatchObject({ kind: 'request', credential: 'github', key: 'master', mode: 'gateway', code: null, client: null });
  });

  it('filters by --since on the ts prefix', async () => {
    const dir = home();
    const log = writer(dir);
    log.append(request({ ts: '2020-01-01T00:00:00.000Z' }));
    log.append(request({ ts: new Date().toISOString(), path: '/recent' }));
    await log.close();
    expect((await queryAudit(dir, { since: '1h' })).entries.map((e) => e.path)).toEqual(['/recent']);
    expect((await queryAudit(dir, { since: '2019-12-31T00:00:00Z' })).matched).toBe(2);
  });

  it('statusPredicate understands classes and lists', () => {
    const p = statusPredicate('4xx,500');
    expect([200, 401, 429, 500, 503, null].map(p)).toEqual([false, true, true, true, false, false]);
  });
});

describe('L1 paths keep query names only', () => {
  it.each([
    ['/v1/items?api_key=SECRET&page=2', '/v1/items?api_key&page'],
    ['/x?token', '/x?token'],
    ['/x?', '/x'],
    ['/x?a=1&&b=2#frag=SECRET', '/x?a&b'],
    ['/plain', '/plain'],
  ])('L1 %s -> %s', (input, expected) => {
    expect(pathWithQueryNames(input)).toBe(expected);
  });

  it('L1 the written line holds the names, not the values', async () => {
    const dir = home();
    const log = writer(dir);
    log.append(request({ path: pathWithQueryNames('/search?access_token=canary-query-secret&q=x') }));
    await log.close();
    expect(segmentLines(dir).join('\n')).not.toContain('canary-query-secret');
    expect((await queryAudit(dir)).entries[0]!.path).toBe('/search?access_token&q');
  });
});

describe('addRequestStats', () => {
  it('counts exactly what full entries would, skipping events, damaged lines and entries at or after `until`', async () => {
    const dir = await tenEntries();
    rewriteSegment(dir, 1, (lines) => [...lines, '{"ts":"2000-01-01T00:00:00.000Z","kind":"request", broken']);
    const viaEntries = new StatsAccumulator({ retainMs: Infinity });
    await forEachEntry(dir, { kind: 'request' }, (entry) => viaEntries.add(entry));
    const fast = new StatsAccumulator({ retainMs: Infinity });
    await addRequestStats(dir, fast, '1970-01-01T00:00:00.000Z');
    const now = Date.now();
    const hourAgo = now - 3_600_000;
    expect(fast.report(hourAgo, now)).toEqual(viaEntries.report(hourAgo, now));
    expect(fast.report(hourAgo, now).credentials.reduce((sum, c) => sum + c.requests, 0)).toBe(8);
    const none = new StatsAccumulator({ retainMs: Infinity });
    await addRequestStats(dir, none, '1970-01-01T00:00:00.000Z', '1970-01-02T00:00:00.000Z');
    expect(none.report(hourAgo, now).credentials).toEqual([]);
  });
});
