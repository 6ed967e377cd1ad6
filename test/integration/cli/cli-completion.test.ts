/** `tkw completion SHELL` is generated from the commander program: valid syntax, every current command, real answers. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../electron/cli/program.ts';
import { processIo } from '../../../electron/cli/io.ts';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
import { hasProgram } from '../../fixtures/has-program.ts';

let cli: CliEnv;
let dir: string;
const scripts: Record<string, string> = {};

beforeAll(async () => {
  cli = cliEnv();
  dir = mkdtempSync(join(tmpdir(), 'tkw-completion-'));
  for (const shell of ['bash', 'zsh', 'fish']) {
    const result = await cli.run(['completion', shell]);
    expect(result.code, result.stderr).toBe(0);
    scripts[shell] = result.stdout;
    writeFileSync(join(dir, `tkw.${shell}`), result.stdout);
  }
}, 60_000);
afterAll(() => cli.cleanup());

/** Every visible command of the real program, so a new command fails this test until it completes. */
const currentCommands = (): string[] => buildProgram(processIo()).program.commands.map((c) => c.name());

describe('shell completion', () => {
  it.each(['bash', 'zsh', 'fish'])('the %s script names every current command and option', (shell) => {
    for (const name of currentCommands()) expect(scripts[shell], name).toContain(name);
    for (const flag of ['--host', '--upstream-ca', '--allow-insecure-loopback', '--env-token']) expect(scripts[shell]).toContain(shell === 'fish' ? `-l ${flag.slice(2)}` : flag);
  });

  it('the bash script is valid (bash -n) and completes commands, options and choices', () => {
    const file = join(dir, 'tkw.bash');
    execFileSync('bash', ['-n', file]);
    const complete = (line: string): string => {
      const words = line.split(' ');
      const script = `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _tkw_complete; echo "\${COMPREPLY[*]}"`;
      return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim();
    };
    expect(complete('tkw prox')).toBe('proxy-env proxy-key');
    expect(complete('tkw add --gr')).toBe('--grant');
    expect(complete('tkw add --grant ')).toBe('auth-code device client-credentials refresh-token');
    expect(complete('tkw completion ')).toBe('');
  });

  it.skipIf(!hasProgram('zsh'))('the zsh script is valid (zsh -n)', () => {
    execFileSync('zsh', ['-n', join(dir, 'tkw.zsh')]);
  });

  it.skipIf(!hasProgram('fish'))('the fish script is valid (fish -n)', () => {
    execFileSync('fish', ['-n', join(dir, 'tkw.fish')]);
  });

  it('refuses an unknown shell with the choices', async () => {
    const result = await cli.run(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('bash, zsh, fish');
  });
});
