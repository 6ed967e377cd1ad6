import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMAND_EXAMPLES } from '../../../../electron/cli/command-examples.ts';
import type { CliIo } from '../../../../electron/cli/io.ts';
import { buildProgram } from '../../../../electron/cli/program.ts';

function commands(command: Command, prefix = ''): [string, Command][] {
  return command.commands
    .filter((c) => !(c as unknown as { _hidden?: boolean })._hidden)
    .flatMap((c) => [[`${prefix}${c.name()}`, c] as [string, Command], ...commands(c, `${prefix}${c.name()} `)]);
}

describe('--help examples', () => {
  it('every command shows two examples after its help, as gh does', () => {
    let out = '';
    const io = { out: (t: string) => void (out += t), err: () => undefined, stdin: process.stdin, isTty: false, color: false, env: {} } as unknown as CliIo;
    const { program } = buildProgram(io);
    const all = commands(program);
    expect(all.length).toBeGreaterThan(30);
    for (const [path, command] of all) {
      out = '';
      command.outputHelp();
      const section = out.slice(out.indexOf('\nExamples:\n'));
      expect(section, path).toMatch(/^\nExamples:\n {2}\S.*\n {2}\S.*\n/);
      if (path !== 'add') expect(section, path).toContain(COMMAND_EXAMPLES[path]![0]);
    }
  });

  it('names no command that does not exist', () => {
    const io = { out: () => undefined, err: () => undefined, stdin: process.stdin, isTty: false, color: false, env: {} } as unknown as CliIo;
    const paths = new Set(commands(buildProgram(io).program).map(([p]) => p));
    expect(Object.keys(COMMAND_EXAMPLES).filter((p) => !paths.has(p))).toEqual([]);
  });
});
