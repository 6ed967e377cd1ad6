/**
 * `tkw` on PATH: `npm pack`, then `npm install -g` of the tarball into a temporary prefix, then real commands.
 * Node refuses to strip types under node_modules, so this only works because the package ships the esbuild
 * bundle (prepack). The install is offline: every JavaScript dependency is inside the bundle, and the only
 * one left, the native keyring addon, is optional (the passphrase keyslot is used without it).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../../..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const CANARY = 'tkwcanary_install_5e2a9c';

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

async function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<Run> {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

describe('npm install -g of the packed tarball', () => {
  let dir: string;
  let tkw: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tkw-install-'));
    // npm's own cache and logs stay in the temporary directory; --offline keeps it off the network.
    const npmEnv = { ...process.env, npm_config_cache: join(dir, 'npm-cache'), npm_config_update_notifier: 'false' };
    const pack = await run('npm', ['pack', '--pack-destination', dir, '--loglevel=error'], { env: npmEnv });
    expect(pack.code, pack.stderr).toBe(0);
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
    expect(tarball).toBe(`${PKG.name}-${PKG.version}.tgz`);
    const install = await run('npm', ['install', '-g', '--prefix', join(dir, 'prefix'), '--offline', '--no-audit', '--no-fund', '--loglevel=error', join(dir, tarball!)], { env: npmEnv, cwd: dir });
    expect(install.code, install.stderr).toBe(0);
    tkw = join(dir, 'prefix/bin/tkw');
    env = {
      PATH: `${join(dir, 'prefix/bin')}:${process.env.PATH}`,
      HOME: dir,
      TOKENWARDEN_HOME: join(dir, 'data'),
      TOKENWARDEN_PASSPHRASE: 'correct horse battery staple',
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent',
      NO_COLOR: '1',
    };
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('installs plain JavaScript only: no TypeScript under node_modules', () => {
    const installed = join(dir, 'prefix/lib/node_modules', PKG.name);
    expect(existsSync(join(installed, 'dist/cli/tkw.js'))).toBe(true);
    expect(existsSync(join(installed, 'electron'))).toBe(false);
  });

  it('tkw --version prints the package version', async () => {
    const result = await run(tkw, ['--version'], { env });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(PKG.version);
  });

  it('the installed tkw adds, lists and prints a token', async () => {
    const add = await run('tkw', ['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { env, input: `${CANARY}\n` });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const list = await run('tkw', ['list', '--json'], { env });
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((c) => c.name)).toEqual(['github']);
    const token = await run('tkw', ['token', 'github'], { env });
    expect(token.code).toBe(0);
    expect(token.stdout.trim()).toBe(CANARY);
  });

  it('the installed tkw starts a daemon and execs a Node child with the preload it names in NODE_OPTIONS', async () => {
    const start = await run('tkw', ['daemon', '--port', '0'], { env });
    expect(start.code, start.stderr).toBe(0);
    try {
      // The bundle must ship every file it points a child at: a missing --require file would kill the child.
      const exec = await run('tkw', ['exec', 'github', '--', process.execPath, '-e', "console.log('child ran')"], { env });
      expect(exec.stderr).toBe('');
      expect(exec.code).toBe(0);
      expect(exec.stdout.trim()).toBe('child ran');
    } finally {
      await run('tkw', ['daemon', 'stop'], { env });
    }
  });
});
