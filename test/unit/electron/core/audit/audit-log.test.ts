import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../../../shared/audit-model.ts';
import { fileAuditStorage, type AuditStorage } from '../../../../../electron/core/audit/audit-files.ts';
import { AuditLog } from '../../../../../electron/core/audit/audit-log.ts';
import { queryAudit, verifyAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { AUDIT_KEY, event, request, segmentLines, writer } from '../../../../fixtures/audit-helpers.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-log-', { create: true });

/** Storage that fails every write with ENOSPC while `full` is set: a full disk (L3). */
function fullDisk(dir: string): AuditStorage & { full: boolean; syncs: number; writes: number } {
  const real = fileAuditStorage(dir);
  const state = {
    ...real,
    full: false,
    syncs: 0,
    writes: 0,
    open: async (n: number) => {
      const w = await real.open(n);
      return {
        get size() {
          return w.size;
        },
        write: async (data: Buffer) => {
          state.writes++;
          if (state.full) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          await w.write(data);
        },
        sync: async () => {
          state.syncs++;
          await w.sync();
        },
        close: () => w.close(),
      };
    },
  };
  return state;
}

describe('AuditLog', () => {
  it('group-commits request entries: 200 appends become one write and no per-request sync', async () => {
    const dir = home();
    const storage = fullDisk(dir);
    const log = new AuditLog({ storage, flushMs: 50 });
    log.setKey(AUDIT_KEY);
    for (let i = 0; i < 200; i++) log.append(request({ path: `/item/${i}` }));
    await log.flush();
    // One header write plus one batch.
    expect(storage.writes).toBe(2);
    expect(storage.syncs).toBeLessThanOrEqual(1);
    await log.close();
    expect(segmentLines(dir)).toHaveLength(201);
    expect(await verifyAudit(dir, AUDIT_KEY)).toEqual({ intact: true, entries: 200, problem: null });
  });

  it('commits and syncs a security event at once, without waiting for the group-commit delay', async () => {
    const dir = home();
    const storage = fullDisk(dir);
    const committed: AuditEntry[] = [];
    const log = new AuditLog({ storage, flushMs: 60_000, onCommit: (e) => committed.push(...e()) });
    log.setKey(AUDIT_KEY);
    log.append(event('rotate'), true);
    await expect.poll(() => committed.length, { timeout: 5_000 }).toBe(1);
    expect(storage.syncs).toBeGreaterThanOrEqual(1);
    expect(committed[0]).toMatchObject({ seq: 1, kind: 'event', action: 'rotate', outcome: 'ok', credential: 'github' });
    await log.close();
  });

  it('L3 after close an entry is counted as dropped and never reopens a segment (the data directory may be going away)', async () => {
    const dir = home();
    const log = writer(dir, { flushMs: 1 });
    log.append(event('lock'), true);
    await log.close();
    const files = readdirSync(dir);
    log.append(event('late'), true);
    log.append(request({ path: '/late' }));
    await log.flush();
    expect(log.dropped).toBe(2);
    expect(readdirSync(dir)).toEqual(files);
    expect((await queryAudit(dir)).entries.map((e) => e.action)).toEqual(['lock']);
  });

  it('waits for the key: entries queued while locked are written once the key is known', async () => {
    const dir = home();
    const log = new AuditLog({ storage: fileAuditStorage(dir), flushMs: 1 });
    log.append(event('lock'), true);
    await log.flush();
    expect(readdirSync(dir)).toEqual([]);
    log.setKey(AUDIT_KEY);
    await log.flush();
    await log.close();
    expect((await queryAudit(dir)).entries.map((e) => e.action)).toEqual(['lock']);
  });

  it('rotates by size and keeps only maxFiles segments, and the retained chain still verifies', async () => {
    const dir = home();
    const log = writer(dir, { maxFileBytes: 64 * 1024, maxFiles: 3 });
    for (let batch = 0; batch < 40; batch++) {
      for (let i = 0; i < 50; i++) log.append(request({ path: `/batch/${batch}/${i}` }));
      await log.flush();
    }
    await log.close();
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).sort();
    expect(files).toHaveLength(3);
    expect(files[0]).not.toBe('audit-000001.jsonl');
    const result = await verifyAudit(dir, AUDIT_KEY);
    expect(result.intact).toBe(true);
    expect(result.entries).toBeGreaterThan(100);
    expect(result.entries).toBeLessThan(2000);
  });

  it('continues the chain across restarts and cuts a torn last line left by a crash', async () => {
    const dir = home();
    const first = writer(dir);
    first.append(event('add'), true);
    await first.close();
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'audit-000001.jsonl'), '{"ts":"2026-01-01T00:00:00.000Z","seq":2,"ki');
    const second = writer(dir);
    second.append(event('remove'), true);
    await second.close();
    expect((await queryAudit(dir)).entries.map((e) => [e.seq, e.action])).toEqual([
      [1, 'add'],
      [2, 'remove'],
    ]);
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, entries: 2 });
  });

  it('L3 a full disk never throws to the caller: entries are dropped and counted, reported once, and writing resumes', async () => {
    const dir = home();
    const storage = fullDisk(dir);
    const errors: number[] = [];
    const recovered: number[] = [];
    const log = new AuditLog({ storage, flushMs: 1, onWriteError: (_e, dropped) => errors.push(dropped), onRecovered: (n) => recovered.push(n) });
    log.setKey(AUDIT_KEY);
    log.append(request());
    await log.flush();
    storage.full = true;
    for (let round = 0; round < 3; round++) {
      expect(() => log.append(request({ status: 500 }))).not.toThrow();
      await log.flush();
    }
    expect(log.dropped).toBe(3);
    expect(errors).toEqual([1]);
    storage.full = false;
    log.append(request({ status: 201 }));
    await log.flush();
    await log.close();
    expect(recovered).toEqual([3]);
    expect((await queryAudit(dir)).entries.map((e) => e.status)).toEqual([200, 201]);
    expect(await verifyAudit(dir, AUDIT_KEY)).toMatchObject({ intact: true, entries: 2 });
  });

  it('L3 a writer that cannot keep up drops past maxPending instead of growing without bound', async () => {
    const dir = home();
    const log = new AuditLog({ storage: fileAuditStorage(dir), maxPending: 10 });
    for (let i = 0; i < 25; i++) log.append(request());
    expect(log.dropped).toBe(15);
  });
});
