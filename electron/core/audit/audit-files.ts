/** The audit log's files: numbered JSON Lines segments under $TOKENWARDEN_HOME/audit, 0600 in a 0700 dir. */
import { mkdirSync, readdirSync } from 'node:fs';
import { open, readdir, readFile, stat, truncate, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { ANCHOR_FILE } from './audit-anchor.ts';
import { segmentName } from './audit-entry.ts';

export { segmentName };

const SEGMENT = /^audit-(\d{6,})\.jsonl$/;

export function auditDir(home: string): string {
  return join(home, 'audit');
}

/** Segment numbers in the order they were written (oldest first). */
export async function listSegments(dir: string): Promise<number[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  return names.flatMap((name) => {
    const m = SEGMENT.exec(name);
    return m ? [Number(m[1])] : [];
  }).sort((a, b) => a - b);
}

export function listSegmentsSync(dir: string): number[] {
  try {
    return readdirSync(dir).flatMap((name) => {
      const m = SEGMENT.exec(name);
      return m ? [Number(m[1])] : [];
    }).sort((a, b) => a - b);
  } catch {
    return [];
  }
}

/** An open segment the writer appends to. */
export interface SegmentWriter {
  readonly size: number;
  write(data: Buffer): Promise<void>;
  sync(): Promise<void>;
  close(): Promise<void>;
  /**
   * True when the segment's path no longer holds what this writer wrote: another file renamed over it (`sed -i`),
   * deleted, or rewritten to another size (a backup copied back). Optional: test storages may leave it out.
   */
  changed?(): Promise<boolean>;
}

/** The writer's view of the disk; tests replace it to inject a full disk (L3). */
export interface AuditStorage {
  list(): Promise<number[]>;
  /** The last bytes of a segment (enough for its last line) and its size. */
  tail(n: number): Promise<{ text: string; size: number }>;
  truncate(n: number, size: number): Promise<void>;
  open(n: number): Promise<SegmentWriter>;
  remove(n: number): Promise<void>;
  /** The first line of a segment (its header), or '' when unreadable. */
  firstLine(n: number): Promise<string>;
  /** The anchor file's text, or undefined when there is none (audit-anchor.ts). */
  readAnchor(): Promise<string | undefined>;
  /** Overwrites the anchor in place. */
  writeAnchor(data: Buffer): Promise<void>;
}

const TAIL_BYTES = 64 * 1024;

export function fileAuditStorage(dir: string): AuditStorage {
  let made = false;
  const ensureDir = (): void => {
    if (made) return;
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    made = true;
  };
  return {
    list: () => listSegments(dir),
    tail: async (n) => {
      const path = join(dir, segmentName(n));
      const size = (await stat(path)).size;
      const handle = await open(path, 'r');
      try {
        const length = Math.min(size, TAIL_BYTES);
        const buf = Buffer.alloc(length);
        await handle.read(buf, 0, length, size - length);
        return { text: buf.toString('utf8'), size };
      } finally {
        await handle.close();
      }
    },
    truncate: (n, size) => truncate(join(dir, segmentName(n)), size),
    open: async (n) => {
      ensureDir();
      const path = join(dir, segmentName(n));
      const handle = await open(path, 'a', 0o600);
      const size = (await handle.stat()).size;
      return segmentWriter(handle, size, path);
    },
    remove: (n) => unlink(join(dir, segmentName(n))).catch(() => undefined),
    firstLine: (n) => readFirstLine(join(dir, segmentName(n))),
    readAnchor: () => readAnchorFile(dir),
    writeAnchor: async (data) => {
      ensureDir();
      // r+ keeps the file as it is until the bytes land; `w` would empty it first.
      const handle = await open(join(dir, ANCHOR_FILE), 'r+').catch(() => open(join(dir, ANCHOR_FILE), 'w', 0o600));
      try {
        await handle.write(data, 0, data.length, 0);
      } finally {
        await handle.close();
      }
    },
  };
}

export async function readAnchorFile(dir: string): Promise<string | undefined> {
  return readFile(join(dir, ANCHOR_FILE), 'utf8').catch(() => undefined);
}

/** Segment `n`'s first line (its header), or '' when unreadable: what `verify` reads before walking the chain (L5). */
export function readSegmentFirstLine(dir: string, n: number): Promise<string> {
  return readFirstLine(join(dir, segmentName(n)));
}

/** A segment's header line: the first line, read without loading a 10 MB file. */
async function readFirstLine(path: string): Promise<string> {
  const handle = await open(path, 'r').catch(() => undefined);
  if (!handle) return '';
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const text = buf.subarray(0, bytesRead).toString('utf8');
    const end = text.indexOf('\n');
    return end < 0 ? '' : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

function segmentWriter(handle: FileHandle, initial: number, path: string): SegmentWriter {
  let size = initial;
  return {
    get size() {
      return size;
    },
    write: async (data) => {
      const { bytesWritten } = await handle.write(data);
      size += bytesWritten;
      if (bytesWritten !== data.length) throw Object.assign(new Error('short write'), { code: 'EIO' });
    },
    sync: () => handle.datasync(),
    close: () => handle.close(),
    changed: async () => {
      const [own, current] = await Promise.all([handle.stat(), stat(path).catch(() => undefined)]);
      return !current || current.ino !== own.ino || current.dev !== own.dev || own.size !== size;
    },
  };
}
