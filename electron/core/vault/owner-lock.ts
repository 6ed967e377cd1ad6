/** One owner per data directory: an O_EXCL `owner.lock` file naming the holder's pid; stale locks of dead pids are taken over safely. */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, openSync, readFileSync, renameSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { join } from 'node:path';
import { TokenwardenError } from '../errors.ts';

export const OWNER_LOCK_FILE = 'owner.lock';

export type OwnerRole = 'daemon' | 'cli' | 'app';

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
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path, text)) return ownerLock(path, info, text);
    const holder = readRaw(path);
    if (holder === undefined) continue; // released between our create and read: try again at once
    const parsed = parseInfo(holder);
    if (!parsed || !isAlive(parsed.pid)) {
      takeOverStale(path, holder);
      continue;
    }
    const remaining = deadline - Date.now();
    if (remaining <= 0) {
      throw new TokenwardenError(
        'ERR_BUSY',
        `Another Tokenwarden process (pid ${parsed.pid}, ${parsed.role}) owns ${home}. Stop it or use its control socket.`,
      );
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

/**
 * Two processes may both see the same stale lock. Each renames it to a private name first (only one rename wins),
 * then checks it moved the stale content it saw; if it grabbed a fresh lock instead, it links that one back.
 */
function takeOverStale(path: string, staleText: string): void {
  const aside = `${path}.stale-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  const moved = readRaw(aside);
  if (moved !== staleText) {
    try {
      linkSync(aside, path);
    } catch {
      // Someone created a new lock meanwhile; theirs stands and the one we moved is gone — its owner will see that on release.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

function ownerLock(path: string, info: OwnerInfo, text: string): OwnerLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    if (readRaw(path) === text) {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    }
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
    if (value.role !== 'daemon' && value.role !== 'cli' && value.role !== 'app') return undefined;
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
