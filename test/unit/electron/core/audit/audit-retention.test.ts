/**
 * SECURITY L5: segments retention could not have dropped cannot be deleted unnoticed. Logs are written with small
 * segments (a few KiB) so that a handful of batches rotate; retention's own deletions still verify.
 */
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANCHOR_FILE, sealAnchor } from '../../../../../electron/core/audit/audit-anchor.ts';
import { MacKey, sealLine, unsealLine, type AuditGap, type SegmentGap } from '../../../../../electron/core/audit/audit-entry.ts';
import { segmentName } from '../../../../../electron/core/audit/audit-files.ts';
import type { AuditLogOptions } from '../../../../../electron/core/audit/audit-log.ts';
import { verifyAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { retainFromFor, retentionState } from '../../../../../electron/core/audit/audit-retention.ts';
import { AUDIT_KEY, event, request, segmentLines, writer } from '../../../../fixtures/audit-helpers.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-retention-', { create: true });
const SMALL = { maxFileBytes: 4096 } as const;

const segmentsOf = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();

/** Writes batches of request entries until segment `upTo` is open, then closes the writer. */
async function writeUntil(dir: string, upTo: number, options: Partial<AuditLogOptions>): Promise<void> {
  const log = writer(dir, { ...SMALL, ...options });
  for (let batch = 0; !readdirSync(dir).includes(segmentName(upTo)); batch++) {
    for (let i = 0; i < 8; i++) log.append(request({ path: `/batch/${batch}/${i}` }));
    await log.flush();
  }
  await log.close();
}

/** A writer opened on `dir` that commits one event; returns the gaps it reported. */
async function reopen(dir: string, options: Partial<AuditLogOptions> = {}): Promise<(AuditGap | SegmentGap)[]> {
  const gaps: (AuditGap | SegmentGap)[] = [];
  const log = writer(dir, { ...SMALL, ...options, onGap: (gap) => gaps.push(gap) });
  log.append(event('after-restart'), true);
  await log.close();
  return gaps;
}

/**
 * Rewrites the log as a version without `retainFrom` wrote it: each header loses the field and every line and the
 * anchor are sealed again in order, so the chain is intact.
 */
function asLegacyLog(dir: string): void {
  const key = new MacKey(AUDIT_KEY);
  let prev: string | undefined;
  let last = { seq: 0, entryMac: '' };
  for (const file of segmentsOf(dir)) {
    const n = Number(/\d+/.exec(file)![0]);
    const out = segmentLines(dir, n).map((line, i) => {
      let body = unsealLine(line)!.body;
      if (i === 0) {
        // A header seals the MAC it continues from inside itself, and that MAC changed with the resealing.
        const { retainFrom: _legacy, ...header } = JSON.parse(body) as { retainFrom?: number; prev: string };
        prev ??= header.prev;
        body = JSON.stringify({ ...header, prev });
      }
      const sealed = sealLine(key, prev!, body);
      prev = sealed.mac;
      if (i > 0) last = { seq: (JSON.parse(body) as { seq: number }).seq, entryMac: sealed.mac };
      return sealed.line;
    });
    writeFileSync(join(dir, file), `${out.join('\n')}\n`);
  }
  writeFileSync(join(dir, ANCHOR_FILE), sealAnchor(key, last));
}

describe('retention and deleted segments (L5)', () => {
  it('L5 retainFrom follows max files, never goes below the previous header (a raised limit brings nothing back) nor above its own segment', () => {
    expect(retainFromFor(5, 10, 1)).toBe(1);
    expect(retainFromFor(12, 10, 1)).toBe(3);
    expect(retainFromFor(8, 10, 5)).toBe(5);
    expect(retainFromFor(1, 10, 5)).toBe(1);
    expect(retentionState(3, 1, 40)).toEqual({ deleted: { from: 1, to: 2, before: 40 } });
    expect(retentionState(4, 4, 40)).toEqual({ dropped: { from: 1, to: 3 } });
    expect(retentionState(6, 4, 40)).toEqual({ dropped: { from: 1, to: 3 }, deleted: { from: 4, to: 5, before: 40 } });
    expect(retentionState(6, undefined, 40)).toEqual({});
  });

  it('L5 with five small segments and ten kept, deleting the oldest two fails verify naming them', async () => {
    const dir = home();
    await writeUntil(dir, 5, { maxFiles: 10 });
    expect(segmentsOf(dir)).toHaveLength(5);
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, problem: null });
    const before = JSON.parse(segmentLines(dir, 3)[0]!) as { next: number };
    rmSync(join(dir, segmentName(1)));
    rmSync(join(dir, segmentName(2)));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result).toMatchObject({ intact: false, problem: { reason: 'removed', file: 'audit-000001.jsonl', seq: null } });
    expect(result.problem!.message).toBe(
      `Audit segments audit-000001.jsonl to audit-000002.jsonl were deleted, though retention had to keep them (entries before #${before.next} are gone): ` +
        'audit-000005.jsonl keeps every segment from audit-000001.jsonl on, but the oldest left is audit-000003.jsonl; retention had dropped no segment.',
    );
    expect(result.dropped).toBeUndefined();
  });

  it("L5 retention's own rotation verifies intact and names the range it dropped", async () => {
    const dir = home();
    await writeUntil(dir, 6, { maxFiles: 3 });
    expect(segmentsOf(dir)).toEqual(['audit-000004.jsonl', 'audit-000005.jsonl', 'audit-000006.jsonl']);
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result).toMatchObject({ intact: true, problem: null, dropped: { from: 1, to: 3 } });
    expect(result.entries).toBeGreaterThan(0);
  });

  it('L5 deleting a segment retention still keeps, after retention dropped older ones, fails and says both ranges', async () => {
    const dir = home();
    await writeUntil(dir, 6, { maxFiles: 3 });
    rmSync(join(dir, segmentName(4)));
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result).toMatchObject({ intact: false, problem: { reason: 'removed', file: 'audit-000004.jsonl' }, dropped: { from: 1, to: 3 } });
    expect(result.problem!.message).toContain('Audit segment audit-000004.jsonl was deleted, though retention had to keep it');
    expect(result.problem!.message).toContain('retention dropped audit-000001.jsonl to audit-000003.jsonl, as its limit allows.');
  });

  it('L5 an empty newest segment (a kill inside a rotation) does not hide a deleted oldest one', async () => {
    const dir = home();
    await writeUntil(dir, 4, { maxFiles: 10 });
    writeFileSync(join(dir, segmentName(5)), '');
    rmSync(join(dir, segmentName(1)));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', file: 'audit-000001.jsonl', message: expect.stringContaining('audit-000004.jsonl keeps every segment from audit-000001.jsonl on') });
  });

  it('L5 deleting a middle segment is caught by the chain', async () => {
    const dir = home();
    await writeUntil(dir, 5, { maxFiles: 10 });
    const next = (JSON.parse(segmentLines(dir, 3)[0]!) as { next: number }).next;
    rmSync(join(dir, segmentName(3)));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', seq: next, file: 'audit-000004.jsonl' });
  });

  it('L5 an owner starting on a log missing its oldest segments reports them once and seals them; verify keeps naming them', async () => {
    const dir = home();
    await writeUntil(dir, 5, { maxFiles: 10 });
    const before = (JSON.parse(segmentLines(dir, 3)[0]!) as { next: number }).next;
    rmSync(join(dir, segmentName(1)));
    rmSync(join(dir, segmentName(2)));
    expect(await reopen(dir, { maxFiles: 10 })).toEqual([{ from: 1, to: 2, before }]);
    const header = JSON.parse(segmentLines(dir, 6)[0]!) as Record<string, unknown>;
    expect(header).toMatchObject({ segment: 6, retainFrom: 3, deleted: { from: 1, to: 2, before } });
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.problem).toMatchObject({ reason: 'removed', file: 'audit-000006.jsonl', line: 1 });
    expect(result.problem!.message).toBe(
      `Audit segments audit-000001.jsonl to audit-000002.jsonl were deleted, though retention had to keep them (entries before #${before} are gone); found when the log was reopened at audit-000006.jsonl line 1.`,
    );
    // Sealed: the next owner does not report the same deletion again.
    expect(await reopen(dir, { maxFiles: 10 })).toEqual([]);
  });

  it('L5 raising max files keeps what retention already dropped from reading as deleted', async () => {
    const dir = home();
    await writeUntil(dir, 6, { maxFiles: 3 });
    await writeUntil(dir, 8, { maxFiles: 10 });
    expect(segmentsOf(dir)[0]).toBe('audit-000004.jsonl');
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, dropped: { from: 1, to: 3 } });
    expect(await reopen(dir, { maxFiles: 10 })).toEqual([]);
  });

  it('L5 a log whose headers predate retainFrom still verifies, and from its first new header on a deleted oldest segment is caught', async () => {
    const dir = home();
    await writeUntil(dir, 5, { maxFiles: 10 });
    asLegacyLog(dir);
    expect(segmentLines(dir, 5)[0]).not.toContain('retainFrom');
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: expect.any(Number), problem: null });
    // Nothing says what an older version's retention dropped: the log is taken as it is.
    rmSync(join(dir, segmentName(1)));
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, problem: null });
    expect(await reopen(dir, { maxFiles: 10 })).toEqual([]);
    await writeUntil(dir, 7, { maxFiles: 10 });
    expect(JSON.parse(segmentLines(dir, 7)[0]!)).toMatchObject({ retainFrom: 2 });
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, dropped: { from: 1, to: 1 } });
    rmSync(join(dir, segmentName(2)));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'removed', file: 'audit-000002.jsonl' });
  });

  it('L5 a forged retainFrom in the newest header fails its MAC instead of hiding a deletion', async () => {
    const dir = home();
    await writeUntil(dir, 3, { maxFiles: 10 });
    const lines = segmentLines(dir, 3);
    lines[0] = lines[0]!.replace('"retainFrom":1', '"retainFrom":2');
    writeFileSync(join(dir, segmentName(3)), `${lines.join('\n')}\n`);
    rmSync(join(dir, segmentName(1)));
    expect((await verifyAudit(dir, AUDIT_KEY)).problem).toMatchObject({ reason: 'changed', file: 'audit-000003.jsonl', line: 1 });
  });
});
