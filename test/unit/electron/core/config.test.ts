import { describe, expect, it } from 'vitest';
import { environmentHelp, readConfig, SETTINGS, startupOnly } from '../../../../electron/core/config.ts';
import { resolveDataDir } from '../../../../electron/core/base/data-dir.ts';

describe('readConfig', () => {
  it('reads each setting once from the environment, with the defaults for what is unset or unusable', () => {
    expect(readConfig({})).toEqual({
      home: resolveDataDir({}),
      passphrase: undefined,
      acceptRollback: false,
      audit: { requests: true, maxFileBytes: 10 * 1024 * 1024, maxFiles: 10 },
      debug: false,
    });
    const env = {
      TOKENWARDEN_HOME: '/tmp/tw-config-home',
      TOKENWARDEN_PASSPHRASE: 'correct horse',
      TOKENWARDEN_ACCEPT_ROLLBACK: '1',
      TOKENWARDEN_AUDIT: 'OFF',
      TOKENWARDEN_AUDIT_MAX_BYTES: String(64 * 1024),
      TOKENWARDEN_AUDIT_MAX_FILES: '3',
      TOKENWARDEN_DEBUG: '1',
    };
    expect(readConfig(env)).toEqual({
      home: '/tmp/tw-config-home',
      passphrase: 'correct horse',
      acceptRollback: true,
      audit: { requests: false, maxFileBytes: 64 * 1024, maxFiles: 3 },
      debug: true,
    });
    const odd = readConfig({ TOKENWARDEN_PASSPHRASE: '', TOKENWARDEN_ACCEPT_ROLLBACK: 'yes', TOKENWARDEN_AUDIT_MAX_BYTES: '1024', TOKENWARDEN_AUDIT_MAX_FILES: 'many' });
    expect(odd).toMatchObject({ passphrase: undefined, acceptRollback: false, audit: { requests: true, maxFileBytes: 10 * 1024 * 1024, maxFiles: 10 } });
  });

  it('lets an owner take the environment passphrase at start-up only (S6)', () => {
    expect(startupOnly('start')).toBe(true);
    expect(startupOnly('later')).toBe(false);
  });
});

describe('the CLI help\'s Environment section', () => {
  it('is generated from the table: every listed setting with its help line, aligned, and none of the internal switches', () => {
    const lines = environmentHelp().split('\n');
    const listed = Object.values(SETTINGS).filter((s) => s.listed);
    expect(lines.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([...listed.map((s) => s.name), 'NO_COLOR']);
    for (const setting of listed) expect(lines.find((line) => line.includes(setting.name))).toContain(setting.help);
    // Every help line starts in the same column.
    expect(new Set(lines.map((line) => line.length - line.trimStart().replace(/^\S+\s+/, '').length)).size).toBe(1);
    expect(environmentHelp()).not.toContain(SETTINGS.cliFast.name);
  });
});
