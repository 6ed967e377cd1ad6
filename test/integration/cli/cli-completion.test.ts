/** `tkw completion SHELL` is generated from the commander program: valid syntax, every current command, real answers. */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../electron/cli/program.ts';
import { processIo } from '../../../electron/cli/io.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { BIN, cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
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
    expect(complete('tkw completion ')).toBe('bash zsh fish');
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

const homes = useCliHomes();
const run = promisify(execFile);

/**
 * Runs the generated bash function for real, as bash does on TAB, with `tkw` (the name the script calls back
 * for credential names) a shell function running this checkout's binary in `home`'s environment.
 */
async function bashComplete(home: CliEnv, line: string): Promise<{ words: string; stderr: string }> {
  const words = line.split(' ');
  const script = [
    `tkw() { "${process.execPath}" "${BIN}" "$@"; }`,
    `source ${join(dir, 'tkw.bash')}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}`,
    '_tkw_complete',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const { stdout, stderr } = await run('bash', ['-c', script], { env: home.env as Record<string, string>, encoding: 'utf8' });
  return { words: stdout.split('\n').filter(Boolean).join(' '), stderr };
}

describe('shell completion of credential names and arguments', () => {
  it('bash offers the running owner\'s credential names for commands that take a NAME, and not for add', async () => {
    const home = homes.setup();
    await homes.daemon(home);
    for (const name of ['local', 'other']) {
      expect((await home.run(['add', name, '--host', 'https://api.example.com', '--token-stdin'], { input: 'tkw-completion-token' })).code).toBe(0);
    }
    expect(await bashComplete(home, 'tkw exec lo')).toEqual({ words: 'local', stderr: '' });
    for (const command of ['token', 'show', 'rm', 'refresh', 'rotate', 'revoke', 'login', 'update', 'policy', 'proxy-env']) {
      expect((await bashComplete(home, `tkw ${command} ot`)).words, command).toBe('other');
    }
    expect((await bashComplete(home, 'tkw exec --ttl 5m lo')).words).toBe('local');
    expect((await bashComplete(home, 'tkw key create --for other,lo')).words).toBe('other,local');
    expect((await bashComplete(home, 'tkw mcp --allow ')).words).toBe('local other');
    expect((await bashComplete(home, 'tkw exec local ')).words).toBe('');
    expect((await bashComplete(home, 'tkw add lo')).words).toBe('');
    const hook = await home.run(['__complete', 'names']);
    expect(hook).toMatchObject({ code: 0, stdout: 'local\nother\n', stderr: '' });
  });

  it('is silent, with nothing on stderr, when no owner runs or the vault is locked', async () => {
    const home = homes.setup();
    expect((await home.run(['add', 'local', '--host', 'https://api.example.com', '--token-stdin'], { input: 'tkw-completion-token' })).code).toBe(0);
    expect(await bashComplete(home, 'tkw exec lo')).toEqual({ words: '', stderr: '' });
    expect(await home.run(['__complete', 'names'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
    await homes.daemon(home);
    expect((await home.run(['lock'])).code).toBe(0);
    expect(await bashComplete(home, 'tkw exec lo')).toEqual({ words: '', stderr: '' });
    expect(await home.run(['__complete', 'names'])).toMatchObject({ code: 0, stdout: '', stderr: '' });
  });

  it('bash offers the daemon actions and the mcp config hosts', async () => {
    const home = homes.setup();
    expect((await bashComplete(home, 'tkw daemon ')).words).toBe('start stop restart status');
    expect((await bashComplete(home, 'tkw daemon --port 0 st')).words).toBe('start stop status');
    expect((await bashComplete(home, 'tkw mcp config ')).words).toBe('claude cursor vscode codex');
  });

  it.each(['zsh', 'fish'])('the %s script asks the names hook and offers the daemon actions', (shell) => {
    expect(scripts[shell]).toContain('__complete names 2>/dev/null');
    expect(scripts[shell]).toContain(shell === 'zsh' ? "'1:action:(start stop restart status)'" : "-a 'start stop restart status'");
    expect(scripts[shell]).toContain(shell === 'zsh' ? "'1:credential:_tkw_names'" : "-n '__tkw_first_arg exec");
  });

  it.skipIf(!hasProgram('fish'))('fish completes names from the running owner and the daemon actions (complete -C)', async () => {
    const home = homes.setup();
    await homes.daemon(home);
    expect((await home.run(['add', 'local', '--host', 'https://api.example.com', '--token-stdin'], { input: 'tkw-completion-token' })).code).toBe(0);
    const complete = async (line: string) => {
      const script = `function tkw; "${process.execPath}" "${BIN}" $argv; end; source ${join(dir, 'tkw.fish')}; complete -C '${line}'`;
      const { stdout } = await run('fish', ['-c', script], { env: home.env as Record<string, string>, encoding: 'utf8' });
      return stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]).join(' ');
    };
    expect(await complete('tkw exec lo')).toBe('local');
    expect(await complete('tkw daemon ')).toBe('restart start status stop');
  });
});
