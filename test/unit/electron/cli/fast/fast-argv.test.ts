/** The fast path takes exactly the argv shapes it can answer like commander; everything else is commander's. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAST_COMMAND_WORDS, parseFastArgv } from '../../../../../electron/cli/fast/fast-argv.ts';

describe('parseFastArgv', () => {
  it('takes token NAME, list/ls and status, each with --json where the command has it', () => {
    expect(parseFastArgv(['token', 'github'])).toEqual({ name: 'token', credential: 'github' });
    expect(parseFastArgv(['list'])).toEqual({ name: 'list', json: false });
    expect(parseFastArgv(['ls', '--json'])).toEqual({ name: 'list', json: true });
    expect(parseFastArgv(['list', '--json'])).toEqual({ name: 'list', json: true });
    expect(parseFastArgv(['status'])).toEqual({ name: 'status', json: false });
    expect(parseFastArgv(['status', '--json'])).toEqual({ name: 'status', json: true });
  });

  it('leaves help, unknown flags, global options, extra words and option-like names to the full CLI', () => {
    for (const argv of [
      [],
      ['token'],
      ['token', '--help'],
      ['token', '-h'],
      ['token', '--', 'github'],
      ['token', '-x'],
      ['token', ''],
      ['token', 'a', 'b'],
      ['token', 'github', '--json'],
      ['list', '--help'],
      ['list', '--jsonx'],
      ['list', '--json=1'],
      ['list', '--json', '--json'],
      ['ls', 'extra'],
      ['status', '-j'],
      ['status', '--json', 'x'],
      ['--accept-rollback', 'token', 'github'],
      ['show', 'github'],
      ['tokens', 'github'],
      ['--version'],
    ]) {
      expect(parseFastArgv(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('bin/tokenwarden.js looks for the same first words before it loads the fast entry', () => {
    const bin = readFileSync(join(import.meta.dirname, '../../../../../bin/tokenwarden.js'), 'utf8');
    const words = /const tryFast = (\[[^\]]*\])\.includes\(process\.argv\[2\]\)/.exec(bin)?.[1];
    expect(words, 'the tryFast line of bin/tokenwarden.js').toBeDefined();
    expect(JSON.parse(words!.replaceAll("'", '"'))).toEqual(FAST_COMMAND_WORDS);
  });
});
