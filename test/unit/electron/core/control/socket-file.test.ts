import type * as FsPromises from 'node:fs/promises';
import { lstat, stat, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeTempHome, type TempHome } from '../../../../fixtures/control-harness.ts';

// chmod becomes a no-op, so these tests see what bind() alone produced: the umask must do the work.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof FsPromises>();
  return { ...actual, chmod: vi.fn(async () => undefined) };
});

const { inspectSocketFile, listenRestricted, preparePrivateDir } = await import('../../../../../electron/core/control/socket-file.ts');

let tmp: TempHome;
beforeEach(async () => {
  tmp = await makeTempHome();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe('listenRestricted', () => {
  it('S4 binds the socket at 0600 through the umask alone, with no window where it is wider', async () => {
    const original = process.umask(0o000);
    const server = createServer();
    try {
      await listenRestricted(server, tmp.socketPath);
      expect((await lstat(tmp.socketPath)).mode & 0o777).toBe(0o600);
      expect(process.umask(0o000)).toBe(0o000);
    } finally {
      process.umask(original);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('rejects with the bind error when the path is taken', async () => {
    const first = createServer();
    const second = createServer();
    await listenRestricted(first, tmp.socketPath);
    try {
      await expect(listenRestricted(second, tmp.socketPath)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise<void>((resolve) => first.close(() => resolve()));
    }
  });
});

describe('inspectSocketFile and preparePrivateDir', () => {
  it('tells a missing path, a socket and a regular file apart', async () => {
    expect(await inspectSocketFile(tmp.socketPath)).toEqual({ kind: 'missing' });
    expect(await inspectSocketFile(tmp.home)).toEqual({ kind: 'not-a-socket' });
    const server = createServer();
    await listenRestricted(server, tmp.socketPath);
    expect(await inspectSocketFile(tmp.socketPath)).toEqual({ kind: 'socket' });
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('S4 creates a missing socket directory 0700', async () => {
    const original = process.umask(0o000);
    try {
      const dir = path.join(tmp.home, 'a', 'b');
      await preparePrivateDir(path.join(dir, 'control.sock'));
      expect((await stat(dir)).mode & 0o777).toBe(0o700);
    } finally {
      process.umask(original);
    }
  });

  it.skipIf(process.getuid?.() !== 0)('refuses a directory that belongs to another user', async () => {
    const dir = path.join(tmp.home, 'theirs');
    await mkdir(dir, { mode: 0o700 });
    const { chown } = await vi.importActual<typeof FsPromises>('node:fs/promises');
    await chown(dir, 4242, 4242);
    await expect(preparePrivateDir(path.join(dir, 'control.sock'))).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
  });
});
