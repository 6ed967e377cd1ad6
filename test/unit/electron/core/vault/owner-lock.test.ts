import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OWNER_LOCK_FILE, acquireOwnerLock, readOwnerLock } from '../../../../../electron/core/vault/owner-lock.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-lock-', { create: true });

/** A pid that is certainly dead: a child that has exited and been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('owner lock', () => {
  it('writes {pid, role, socketPath, startedAt} to owner.lock with mode 0600 and releases it', async () => {
    const h = home();
    const lock = await acquireOwnerLock(h, { role: 'daemon', socketPath: '/tmp/tw.sock', clock: () => new Date('2026-01-01T00:00:00Z') });
    const path = join(h, OWNER_LOCK_FILE);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ pid: process.pid, role: 'daemon', socketPath: '/tmp/tw.sock', startedAt: '2026-01-01T00:00:00.000Z' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readOwnerLock(h)).toMatchObject({ pid: process.pid, role: 'daemon', socketPath: '/tmp/tw.sock' });
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
    expect(readOwnerLock(h)).toBeUndefined();
    expect(readdirSync(h)).toEqual([]);
  });

  it('a live holder -> ERR_BUSY naming its pid', async () => {
    const h = home();
    const lock = await acquireOwnerLock(h, { role: 'app' });
    const err = await acquireOwnerLock(h, { role: 'cli' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BUSY' });
    expect((err as Error).message).toContain(`pid ${process.pid}`);
    lock.release();
  });

  it('with waitMs, acquires once the holder releases', async () => {
    const h = home();
    const first = await acquireOwnerLock(h, { role: 'cli' });
    const waiting = acquireOwnerLock(h, { role: 'cli', waitMs: 5_000 });
    setImmediate(() => first.release());
    const second = await waiting;
    expect(readOwnerLock(h)?.startedAt).toBe(second.info.startedAt);
    second.release();
  });

  it('with waitMs, times out with ERR_BUSY when the holder stays', async () => {
    const h = home();
    const first = await acquireOwnerLock(h, { role: 'daemon' });
    await expect(acquireOwnerLock(h, { role: 'cli', waitMs: 60 })).rejects.toMatchObject({ code: 'ERR_BUSY' });
    first.release();
  });

  it('waitFor: the daemon waits for a CLI holder but fails at once for another owner', async () => {
    const h = home();
    const cliHolder = await acquireOwnerLock(h, { role: 'cli' });
    const waiting = acquireOwnerLock(h, { role: 'daemon', waitMs: 5000, waitFor: (holder) => holder.role === 'cli' });
    setTimeout(() => cliHolder.release(), 50);
    const daemon = await waiting;
    expect(readOwnerLock(h)).toMatchObject({ role: 'daemon', pid: process.pid });
    // Refused at once (a 10-minute wait would outlast the test): the holder is an owner, not a short CLI command.
    const err = await acquireOwnerLock(h, { role: 'daemon', waitMs: 600_000, waitFor: (holder) => holder.role === 'cli' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_BUSY' });
    daemon.release();
  });

  it('a stale lock from a dead pid is taken over; readOwnerLock reports it as absent', async () => {
    const h = home();
    const pid = await deadPid();
    writeFileSync(join(h, OWNER_LOCK_FILE), JSON.stringify({ pid, role: 'daemon', startedAt: '2020-01-01T00:00:00Z' }), { mode: 0o600 });
    expect(readOwnerLock(h)).toBeUndefined();
    const lock = await acquireOwnerLock(h, { role: 'cli' });
    expect(readOwnerLock(h)?.pid).toBe(process.pid);
    lock.release();
    expect(readdirSync(h)).toEqual([]);
  });

  it('an unreadable lock file (crash mid-write of an old version) is treated as stale', async () => {
    const h = home();
    writeFileSync(join(h, OWNER_LOCK_FILE), '{"pid":');
    const lock = await acquireOwnerLock(h, { role: 'cli' });
    expect(lock.info.pid).toBe(process.pid);
    lock.release();
  });

  it('processes racing for a stale lock: exactly one wins, the rest get ERR_BUSY', async () => {
    const h = home();
    writeFileSync(join(h, OWNER_LOCK_FILE), JSON.stringify({ pid: await deadPid(), role: 'daemon', startedAt: '' }));
    const script = fileURLToPath(new URL('../../../../fixtures/vault-lock-contender.ts', import.meta.url));
    const children = Array.from({ length: 4 }, () => spawn(process.execPath, [script, h], { stdio: ['pipe', 'pipe', 'inherit'] }));
    const exits = children.map((child) => new Promise((resolve) => child.once('exit', resolve)));
    const outcomes = await Promise.all(
      children.map(
        (child) =>
          new Promise<string>((resolve) => {
            let out = '';
            child.stdout.on('data', (chunk: Buffer) => {
              out += chunk.toString();
              if (out.endsWith('\n')) resolve(out.trim());
            });
          }),
      ),
    );
    children.forEach((child) => child.stdin.end());
    await Promise.all(exits);
    expect(outcomes.filter((o) => o === 'won')).toHaveLength(1);
    expect(outcomes.filter((o) => o === 'ERR_BUSY')).toHaveLength(3);
    expect(readOwnerLock(h)).toBeUndefined();
  });

  it('a takeover mutex left by a crashed process is cleared after it goes stale', async () => {
    const h = home();
    writeFileSync(join(h, OWNER_LOCK_FILE), JSON.stringify({ pid: await deadPid(), role: 'daemon', startedAt: '' }));
    const mutex = join(h, `${OWNER_LOCK_FILE}.takeover`);
    writeFileSync(mutex, '');
    const old = new Date(Date.now() - 60_000);
    utimesSync(mutex, old, old);
    const lock = await acquireOwnerLock(h, { role: 'cli' });
    expect(existsSync(mutex)).toBe(false);
    lock.release();
  });

  it('release does not delete a lock that someone else now holds', async () => {
    const h = home();
    const lock = await acquireOwnerLock(h, { role: 'cli' });
    writeFileSync(join(h, OWNER_LOCK_FILE), JSON.stringify({ pid: process.pid, role: 'app', startedAt: 'other' }));
    lock.release();
    expect(readOwnerLock(h)?.role).toBe('app');
  });
});
