/** Crash-safe file replacement: temp file in the same dir, fsync, rename, fsync dir; never a truncating fallback (SECURITY R1). */
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { copyFile, link, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  mode?: number;
  /** Before replacing, keep the current file here (hard link, else copy), so the previous good version survives. */
  backupPath?: string;
  /** Retries for EPERM/EBUSY/EACCES on rename (Windows virus scanners and indexers hold files briefly). */
  retries?: number;
}

const RETRYABLE = new Set(['EPERM', 'EBUSY', 'EACCES']);

export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** `data` may be byte parts, written with one vectored write. */
export async function writeFileAtomic(path: string, data: string | Uint8Array | readonly Uint8Array[], options: AtomicWriteOptions = {}): Promise<void> {
  const mode = options.mode ?? 0o600;
  const tmp = tempPathFor(path);
  const handle = await open(tmp, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, mode);
  try {
    try {
      if (Array.isArray(data)) await writeAll(handle, data as readonly Uint8Array[]);
      else await handle.writeFile(data as string | Uint8Array);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.backupPath) await keepBackup(path, options.backupPath, mode);
    await withRetry(() => rename(tmp, path), options.retries ?? 8);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dirname(path));
}

async function writeAll(handle: FileHandle, parts: readonly Uint8Array[]): Promise<void> {
  const total = parts.reduce((sum, part) => sum + part.byteLength, 0);
  const { bytesWritten } = await handle.writev(parts as Uint8Array[]);
  if (bytesWritten !== total) throw Object.assign(new Error('short write'), { code: 'EIO' });
}

async function keepBackup(path: string, backupPath: string, mode: number): Promise<void> {
  const staged = tempPathFor(backupPath);
  try {
    await link(path, staged);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    // Some filesystems (FAT, some network mounts) have no hard links; a copy is slower but equivalent.
    await copyFile(path, staged, constants.COPYFILE_EXCL);
    const handle = await open(staged, 'r+', mode);
    await handle.sync().finally(() => handle.close());
  }
  await withRetry(() => rename(staged, backupPath), 8).catch(async (err) => {
    await unlink(staged).catch(() => undefined);
    throw err;
  });
}

async function withRetry(action: () => Promise<void>, retries: number): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await action();
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE.has(code) || attempt >= retries) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * 2 ** attempt));
    }
  }
}

/** Makes the rename itself durable; not possible on Windows, where rename is journaled by NTFS. */
export async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } catch (err) {
    if (!['EINVAL', 'EISDIR', 'EPERM'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

/** Removes temp files a crashed writer left behind; only those older than `olderThanMs`, so a live writer is never disturbed. */
export async function removeStaleTemps(path: string, olderThanMs: number, now: number = Date.now()): Promise<number> {
  const dir = dirname(path);
  const prefix = `${basename(path)}.tmp-`;
  let removed = 0;
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    if (!entry.startsWith(prefix)) continue;
    const full = join(dir, entry);
    const info = await stat(full).catch(() => undefined);
    if (info && now - info.mtimeMs > olderThanMs) {
      await unlink(full).catch(() => undefined);
      removed++;
    }
  }
  return removed;
}
