/** Filesystem guards for the control socket: a private 0700 directory, a 0600 socket, and owner checks. */
import { lstat, mkdir, chmod, stat } from 'node:fs/promises';
import type { Server } from 'node:net';
import path from 'node:path';
import { TokenwardenError } from '../base/errors.ts';
import { isNamedPipePath } from './control-path.ts';

export const SOCKET_MODE = 0o600;
export const DIR_MODE = 0o700;
/** Bits a socket created under it cannot have: everything but owner read/write. */
const SOCKET_UMASK = 0o177;

function ownUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

export function errnoCode(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
}

/**
 * The directory is the real access control for AF_UNIX: connect() needs search permission on it.
 * A home owned by someone else is refused; a home we own but left group/world-accessible is tightened.
 */
export async function preparePrivateDir(socketPath: string, log?: (line: string) => void): Promise<void> {
  if (isNamedPipePath(socketPath)) return;
  const dir = path.dirname(socketPath);
  await mkdir(dir, { recursive: true, mode: DIR_MODE });
  const info = await stat(dir);
  const uid = ownUid();
  if (uid !== undefined && info.uid !== uid) {
    throw new TokenwardenError('ERR_FORBIDDEN', `The directory ${dir} belongs to another user; refusing to put the control socket there.`);
  }
  if ((info.mode & 0o077) !== 0) {
    await chmod(dir, DIR_MODE);
    log?.(`control: tightened ${dir} to mode 0700`);
  }
}

export type SocketFileState = { kind: 'missing' } | { kind: 'socket' } | { kind: 'not-a-socket' } | { kind: 'foreign-owner' };

/** What is at the socket path, judged without connecting to it. */
export async function inspectSocketFile(socketPath: string): Promise<SocketFileState> {
  if (isNamedPipePath(socketPath)) return { kind: 'socket' };
  let info;
  try {
    info = await lstat(socketPath);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return { kind: 'missing' };
    throw err;
  }
  if (!info.isSocket()) return { kind: 'not-a-socket' };
  const uid = ownUid();
  if (uid !== undefined && info.uid !== uid) return { kind: 'foreign-owner' };
  return { kind: 'socket' };
}

/**
 * Binds with a umask that already strips group/other bits, so the socket is never wider than 0600,
 * not even between bind() and a chmod. Node binds synchronously inside listen(), so restoring the
 * umask right after the call covers the bind. chmod afterwards is a second belt, for runtimes
 * (worker threads) where process.umask cannot be set.
 */
export function listenRestricted(server: Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      server.off('listening', onListening);
      reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      if (isNamedPipePath(socketPath)) return resolve();
      chmod(socketPath, SOCKET_MODE).then(resolve, reject);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    if (isNamedPipePath(socketPath)) {
      server.listen({ path: socketPath, readableAll: false, writableAll: false });
      return;
    }
    let previous: number | undefined;
    try {
      previous = process.umask(SOCKET_UMASK);
    } catch {
      previous = undefined;
    }
    try {
      server.listen({ path: socketPath, readableAll: false, writableAll: false });
    } finally {
      if (previous !== undefined) process.umask(previous);
    }
  });
}
