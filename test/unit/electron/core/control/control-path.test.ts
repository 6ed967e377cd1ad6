import { describe, expect, it } from 'vitest';
import {
  MAX_UNIX_SOCKET_PATH_BYTES,
  assertSocketPathFits,
  controlSocketPath,
  isNamedPipePath,
} from '../../../../../electron/core/control/control-path.ts';

describe('controlSocketPath', () => {
  it('puts control.sock in the home on unix', () => {
    expect(controlSocketPath('/home/dev/.config/tokenwarden', 'linux')).toBe('/home/dev/.config/tokenwarden/control.sock');
    expect(controlSocketPath('/Users/dev/tw/', 'darwin')).toBe('/Users/dev/tw/control.sock');
  });

  it('uses a named pipe keyed by the home on Windows', () => {
    const a = controlSocketPath('C:\\Users\\dev\\AppData\\Roaming\\tokenwarden', 'win32');
    const b = controlSocketPath('C:\\Users\\other\\AppData\\Roaming\\tokenwarden', 'win32');
    expect(a).toMatch(/^\\\\\.\\pipe\\tokenwarden-[0-9a-f]{16}$/);
    expect(isNamedPipePath(a)).toBe(true);
    expect(a).not.toBe(b);
    // Windows paths are case-insensitive, so the same directory must map to the same pipe.
    expect(controlSocketPath('c:\\users\\DEV\\appdata\\roaming\\tokenwarden', 'win32')).toBe(a);
  });
});

describe('assertSocketPathFits', () => {
  it('refuses a unix path that bind() could not hold, with a hint', () => {
    const long = `/tmp/${'d'.repeat(MAX_UNIX_SOCKET_PATH_BYTES)}/control.sock`;
    expect(() => assertSocketPathFits(long)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('TOKENWARDEN_HOME') }));
    expect(() => assertSocketPathFits('/tmp/tw/control.sock')).not.toThrow();
    expect(() => assertSocketPathFits(`\\\\.\\pipe\\${'x'.repeat(200)}`)).not.toThrow();
  });
});
