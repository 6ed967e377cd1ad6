import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANCHOR_FILE } from '../../../../../electron/core/audit/audit-anchor.ts';
import { verifyAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { AUDIT_KEY, event, request, rewriteSegment, segmentLines, writer } from '../../../../fixtures/audit-helpers.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-anchor-', { create: true });

/** `batches` synced group commits of `size` entries each; returns the anchor file's text after each commit. */
async function written(dir: string, batches: number, size = 2): Promise<string[]> {
  const log = writer(dir);
  const anchors: string[] = [];
  for (let b = 0; b < batches; b++) {
    // Urgent, so each batch is synced and the anchor follows it (request batches sync at most once a second).
    for (let i = 0; i < size; i++) log.append(request({ path: `/b/${b}/${i}` }), true);
    await log.flush();
    anchors.push(readFileSync(join(dir, ANCHOR_FILE), 'utf8'));
  }
  await log.close();
  return anchors;
}

const dropLast = (dir: string, n: number) => rewriteSegment(dir, 1, (lines) => lines.slice(0, -n));

describe('the audit anchor (L2)', () => {
  it('L2 removing the newest lines is evident: verify names the first removed entry', async () => {
    const dir = home();
    await written(dir, 3);
    dropLast(dir, 2);
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result).toMatchObject({ intact: false, problem: { reason: 'removed', seq: 5 } });
    expect(result.problem!.message).toBe('Entries #5 to #6 were removed from the end of the log (the last entry left is #4).');
  });

  it('L2 removing every entry line (headers kept) is evident too', async () => {
    const dir = home();
    await written(dir, 1);
    dropLast(dir, 2);
    expect(segmentLines(dir)).toHaveLength(1);
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', seq: 1 });
  });

  it('L2 deleting the anchor of a log written with one is evident', async () => {
    const dir = home();
    await written(dir, 2);
    rmSync(join(dir, ANCHOR_FILE));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'removed', file: ANCHOR_FILE });
    expect(result.problem!.message).toContain('anchor is missing');
  });

  it('L2 an anchor that is not sealed, or sealed for another log, fails', async () => {
    const dir = home();
    const other = home();
    await written(dir, 2);
    const [, otherAnchor] = await written(other, 2);
    writeFileSync(join(dir, ANCHOR_FILE), otherAnchor!);
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'changed', file: ANCHOR_FILE, seq: 4 });
    writeFileSync(join(dir, ANCHOR_FILE), '{"anchor":99}\n');
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'changed', file: ANCHOR_FILE });
  });

  it('L2 an anchor that lags the segments (a crash between the two writes) is still intact', async () => {
    const dir = home();
    const anchors = await written(dir, 3);
    writeFileSync(join(dir, ANCHOR_FILE), anchors[1]!);
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 6, problem: null });
  });

  it('L2 a running owner checks the end against its own last commit, so an older anchor copied back cannot hide a removal', async () => {
    const dir = home();
    const log = writer(dir);
    log.append(event('one'));
    await log.flush();
    const saved = readFileSync(join(dir, ANCHOR_FILE), 'utf8');
    log.append(event('two'));
    log.append(event('three'));
    await log.flush();
    dropLast(dir, 2);
    writeFileSync(join(dir, ANCHOR_FILE), saved);
    // From the files alone this is a consistent older log: that is what only the running owner can see through.
    expect((await verifyAudit(dir, AUDIT_KEY)).intact).toBe(true);
    expect((await verifyAudit(dir, AUDIT_KEY, log.anchor())).problem).toMatchObject({ reason: 'removed', seq: 2 });
    await log.close();
  });

  it('L2 a writer that resumes after its newest lines were removed reports the gap, numbers past it, and verify keeps naming it', async () => {
    const dir = home();
    await written(dir, 3);
    dropLast(dir, 3);
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'));
    await log.close();
    expect(gaps).toEqual([{ after: 3, upTo: 6 }]);
    expect(JSON.parse(segmentLines(dir, 2).at(-1)!)).toMatchObject({ seq: 7, action: 'after-restart' });
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'removed', seq: 4 });
  });

  it('L2 a writer that finds the anchor deleted reports it, without inventing a range', async () => {
    const dir = home();
    await written(dir, 2);
    rmSync(join(dir, ANCHOR_FILE));
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'));
    await log.close();
    expect(gaps).toEqual([{ after: 4, upTo: null }]);
    expect(existsSync(join(dir, ANCHOR_FILE))).toBe(true);
  });

  it('L2 a clean restart is no gap: the anchor matches the last line', async () => {
    const dir = home();
    await written(dir, 2);
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'));
    await log.close();
    expect(gaps).toEqual([]);
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 5, problem: null });
  });

  it('L2 cutting the newest segment down to its header and deleting the anchor is evident, before and after a restart', async () => {
    const dir = home();
    await written(dir, 2);
    dropLast(dir, 4);
    rmSync(join(dir, ANCHOR_FILE));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', file: ANCHOR_FILE });
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'), true);
    await log.close();
    expect(gaps).toEqual([{ after: 0, upTo: null }]);
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'removed', seq: 1, file: 'audit-000002.jsonl' });
    expect(result.problem!.message).toBe('The audit anchor was deleted while Tokenwarden was not running, so entries after #0 may have been removed; found when the log was reopened at audit-000002.jsonl line 1.');
  });

  it('L2 deleting every segment is evident after a restart too: numbering goes on past the anchor and verify names the gap', async () => {
    const dir = home();
    await written(dir, 2);
    rmSync(join(dir, 'audit-000001.jsonl'));
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'), true);
    await log.close();
    expect(gaps).toEqual([{ after: 0, upTo: 4 }]);
    expect(JSON.parse(segmentLines(dir, 1).at(-1)!)).toMatchObject({ seq: 5, action: 'after-restart' });
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', seq: 1, message: expect.stringContaining('Audit entries #1 to #4 were removed while Tokenwarden was not running') });
  });

  it('R1 a kill inside a rotation (an empty newest segment) is no gap and no break: the writer resumes from the segment before', async () => {
    const dir = home();
    await written(dir, 2);
    writeFileSync(join(dir, 'audit-000002.jsonl'), '');
    const gaps: unknown[] = [];
    const log = writer(dir, { onGap: (gap) => gaps.push(gap) });
    log.append(event('after-restart'), true);
    await log.close();
    expect(gaps).toEqual([]);
    expect(existsSync(join(dir, 'audit-000002.jsonl'))).toBe(false);
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 5, problem: null });
  });

  it('R1 the anchor only follows synced lines: losing an unsynced tail of request entries (a power cut) is not tampering', async () => {
    const dir = home();
    const log = writer(dir);
    log.append(event('synced'), true);
    await log.flush();
    const synced = readFileSync(join(dir, ANCHOR_FILE), 'utf8');
    // Within the 1 s sync interval: written to the file, not yet synced.
    log.append(request({ path: '/unsynced/1' }));
    log.append(request({ path: '/unsynced/2' }));
    await log.flush();
    expect(readFileSync(join(dir, ANCHOR_FILE), 'utf8')).toBe(synced);
    dropLast(dir, 2);
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 1, problem: null });
  });

  it('L2 an entry queued while the gap is found, right before close, is still written', async () => {
    const dir = home();
    await written(dir, 2);
    dropLast(dir, 2);
    const log = writer(dir, { onGap: () => log.append(event('audit-gap'), true) });
    log.append(event('last-words'), true);
    await log.close();
    expect(log.dropped).toBe(0);
    expect(segmentLines(dir, 2).slice(1).map((l) => JSON.parse(l).action)).toEqual(['last-words', 'audit-gap']);
  });
});
