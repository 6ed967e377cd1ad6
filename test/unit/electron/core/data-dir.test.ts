import { mkdirSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDataDir, resolveDataDir } from '../../../../electron/core/base/data-dir.ts';
import { tempHome } from '../../../fixtures/vault-helpers.ts';

describe('resolveDataDir', () => {
  it('prefers TOKENWARDEN_HOME', () => {
    expect(resolveDataDir({ TOKENWARDEN_HOME: '/srv/tw', XDG_CONFIG_HOME: '/x' }, { platform: 'linux', homedir: '/home/a' })).toBe('/srv/tw');
  });
  it('uses XDG_CONFIG_HOME on Linux, else ~/.config', () => {
    expect(resolveDataDir({ XDG_CONFIG_HOME: '/cfg' }, { platform: 'linux', homedir: '/home/a' })).toBe('/cfg/tokenwarden');
    expect(resolveDataDir({}, { platform: 'linux', homedir: '/home/a' })).toBe('/home/a/.config/tokenwarden');
    expect(resolveDataDir({ XDG_CONFIG_HOME: 'relative' }, { platform: 'linux', homedir: '/home/a' })).toBe('/home/a/.config/tokenwarden');
  });
  it('uses Application Support on macOS and APPDATA on Windows', () => {
    expect(resolveDataDir({}, { platform: 'darwin', homedir: '/Users/a' })).toBe('/Users/a/Library/Application Support/tokenwarden');
    expect(resolveDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, { platform: 'win32', homedir: 'C:\\Users\\a' })).toBe(
      'C:\\Users\\a\\AppData\\Roaming\\tokenwarden',
    );
  });
});

describe('ensureDataDir', () => {
  const homes: Array<() => void> = [];
  afterEach(() => homes.splice(0).forEach((cleanup) => cleanup()));
  const temp = () => {
    const t = tempHome('tw-datadir-');
    homes.push(t.cleanup);
    return t.home;
  };

  it('S4 creates a missing data dir (and parents) with mode 0700', () => {
    const dir = join(temp(), 'a', 'b');
    ensureDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('S4 tightens an existing group/world-readable dir to 0700', () => {
    const dir = temp();
    mkdirSync(dir, { recursive: true });
    chmodSync(dir, 0o755);
    ensureDataDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('rejects a data dir that is a file with ERR_INVALID_INPUT and leaves the file alone', () => {
    const dir = temp();
    mkdirSync(join(dir, '..'), { recursive: true });
    writeFileSync(dir, 'not a dir');
    expect(() => ensureDataDir(dir)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(() => ensureDataDir(join(dir, 'child'))).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(statSync(dir).isFile()).toBe(true);
  });
});
