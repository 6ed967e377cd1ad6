/** One owner per data directory: an O_EXCL `owner.lock` file naming the holder's pid; stale locks of dead pids are taken over safely. */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, linkSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { TokenwardenError } from '../base/errors.ts';

export const OWNER_LOCK_FILE = 'owner.lock';

/** `mcp`: a `tkw mcp` server that found no owner and owns the directory for its own lifetime. */
export type OwnerRole = 'daemon' | 'cli' | 'app' | 'mcp';

export interface OwnerInfo {
  pid: number;
  role: OwnerRole;
  socketPath?: string;
  startedAt: string;
}

export interface OwnerLock {
  readonly path: string;
  readonly info: OwnerInfo;
  /** Removes the lock file if it is still ours; safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  role: OwnerRole;
  socketPath?: string;
  /** Wait up to this long for a live holder to let go; without it a live holder means ERR_BUSY at once. */
  waitMs?: number;
  /** Which live holders are worth waiting for (default: all); others fail at once with ERR_BUSY. */
  waitFor?: (holder: OwnerInfo) => boolean;
  /** Told once when a live holder makes us wait, so a waiting start is not mistaken for a hang. */
  onWait?: (holder: OwnerInfo) => void;
  /** Injected for tests. */
  isAlive?: (pid: number) => boolean;
  clock?: () => Date;
}

export async function acquireOwnerLock(home: string, options: AcquireOptions): Promise<OwnerLock> {
  const path = join(home, OWNER_LOCK_FILE);
  const isAlive = options.isAlive ?? pidIsAlive;
  const info: OwnerInfo = {
    pid: process.pid,
    role: options.role,
    ...(options.socketPath ? { socketPath: options.socketPath } : {}),
    startedAt: (options.clock?.() ?? new Date()).toISOString(),
  };
  const text = JSON.stringify(info);
  const deadline = Date.now() + (options.waitMs ?? 0);
  let waited = false;
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, text)) return ownerLock(path, info, text);
    const holder = readRaw(path);
    if (holder === undefined) continue; // released between our create and read: try again at once
    const parsed = parseInfo(holder);
    if (!parsed || !isAlive(parsed.pid)) {
      if (!takeOverStale(path, holder)) await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    const remaining = options.waitFor && !options.waitFor(parsed) ? 0 : deadline - Date.now();
    if (remaining <= 0) {
      throw new TokenwardenError(
        'ERR_BUSY',
        `Another Tokenwarden process (pid ${parsed.pid}, ${parsed.role}) owns ${home}. Stop it or use its control socket.`,
      );
    }
    if (!waited) {
      waited = true;
      options.onWait?.(parsed);
    }
    // Lock retry with capped exponential backoff: the holder has no way to notify us across processes.
    await new Promise((resolve) => setTimeout(resolve, Math.min(remaining, 20 * 2 ** Math.min(attempt, 4))));
  }
}

/** The live holder, or undefined when there is no lock or it is stale (dead pid, unreadable). */
export function readOwnerLock(home: string, isAlive: (pid: number) => boolean = pidIsAlive): OwnerInfo | undefined {
  const raw = readRaw(join(home, OWNER_LOCK_FILE));
  const info = raw === undefined ? undefined : parseInfo(raw);
  return info && isAlive(info.pid) ? info : undefined;
}

export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Writes the content to a private temp file (O_EXCL), then hard-links it into place: readers never see a half-written lock. */
function tryCreate(path: string, text: string): boolean {
  const tmp = `${path}.new-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  try {
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  } finally {
    unlinkSync(tmp);
  }
}

const TAKEOVER_STALE_MS = 10_000;

/**
 * Two processes may both see the same stale lock. Removal happens only under a short O_EXCL `owner.lock.takeover`
 * mutex and only if the file still holds the stale text: a fresh lock can only appear after the stale file is gone,
 * so a live owner's lock is never removed. Returns false when another process holds the mutex.
 */
function takeOverStale(path: string, staleText: string): boolean {
  const mutex = `${path}.takeover`;
  let fd: number;
  try {
    fd = openSync(mutex, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // A process that died inside the few microseconds it holds the mutex must not block everyone forever.
    const age = Date.now() - (statOrUndefined(mutex)?.mtimeMs ?? Date.now());
    if (age > TAKEOVER_STALE_MS) unlinkQuietly(mutex);
    return false;
  }
  try {
    closeSync(fd);
    if (readRaw(path) === staleText) unlinkQuietly(path);
  } finally {
    unlinkQuietly(mutex);
  }
  return true;
}

function unlinkQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function ownerLock(path: string, info: OwnerInfo, text: string): OwnerLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readRaw(path) === text) unlinkQuietly(path);
  };
  return { path, info, release };
}

function readRaw(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function parseInfo(raw: string): OwnerInfo | undefined {
  try {
    const value = JSON.parse(raw) as Partial<OwnerInfo>;
    if (!Number.isInteger(value.pid) || (value.pid as number) <= 0) return undefined;
    if (value.role !== 'daemon' && value.role !== 'cli' && value.role !== 'app' && value.role !== 'mcp') return undefined;
    return {
      pid: value.pid as number,
      role: value.role,
      ...(typeof value.socketPath === 'string' ? { socketPath: value.socketPath } : {}),
      startedAt: typeof value.startedAt === 'string' ? value.startedAt : '',
    };
  } catch {
    return undefined;
  }
}
