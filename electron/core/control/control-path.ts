/** Where the control socket lives: `<home>/control.sock`, or a per-home named pipe on Windows. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { TokenwardenError } from '../base/errors.ts';

export const CONTROL_SOCKET_NAME = 'control.sock';

/**
 * sun_path is 108 bytes on Linux and 104 on macOS, including the NUL; 103 fits both.
 * A longer path would fail inside bind() with an opaque EINVAL/ENAMETOOLONG.
 */
export const MAX_UNIX_SOCKET_PATH_BYTES = 103;

export function controlSocketPath(home: string, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') {
    // Pipes live in a flat global namespace, so the home is hashed in to keep two homes apart.
    const normalized = path.win32.resolve(home).toLowerCase();
    const digest = createHash('sha256').update(normalized).digest('hex').slice(0, 16);
    return `\\\\.\\pipe\\tokenwarden-${digest}`;
  }
  return path.posix.join(path.posix.resolve(home), CONTROL_SOCKET_NAME);
}

export function isNamedPipePath(socketPath: string): boolean {
  return socketPath.startsWith('\\\\.\\pipe\\') || socketPath.startsWith('\\\\?\\pipe\\');
}

export function assertSocketPathFits(socketPath: string): void {
  if (isNamedPipePath(socketPath)) return;
  if (Buffer.byteLength(socketPath) > MAX_UNIX_SOCKET_PATH_BYTES) {
    throw new TokenwardenError(
      'ERR_INVALID_INPUT',
      `The control socket path is longer than ${MAX_UNIX_SOCKET_PATH_BYTES} bytes; set TOKENWARDEN_HOME to a shorter directory.`,
    );
  }
}
