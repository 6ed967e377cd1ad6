/** bin/tokenwarden.js runs the esbuild bundle only while it matches the sources; otherwise the TypeScript source. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { OLD_NODE } from '../../fixtures/old-node.ts';

const BIN = join(import.meta.dirname, '../../../bin/tokenwarden.js');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * A miniature package: the real bin, a "bundle" and a "source" that each say which one ran. With `fast`, also a
 * fast bundle and fast source that say so and then answer (exit code 3) or decline; fast-main.ts is a source of
 * the fast entry only, main.ts of the full one only, and shared/errors.ts of both.
 */
function fakePackage(options: { sources: boolean; manifest: boolean; fast?: 'answers' | 'declines'; fastList?: boolean }): {
  root: string;
  run: (env?: NodeJS.ProcessEnv, node?: string, args?: string[]) => string;
} {
  const root = mkdtempSync(join(tmpdir(), 'tkw-bin-'));
  dirs.push(root);
  mkdirSync(join(root, 'bin'));
  mkdirSync(join(root, 'dist/cli'), { recursive: true });
  copyFileSync(BIN, join(root, 'bin/tokenwarden.js'));
  copyFileSync(join(BIN, '../node-support.js'), join(root, 'bin/node-support.js'));
  writeFileSync(join(root, 'package.json'), '{"type":"module"}');
  writeFileSync(join(root, 'dist/cli/tkw.js'), "console.log('bundle');\n");
  const inputs: [string, number, number][] = [];
  if (options.sources) {
    mkdirSync(join(root, 'electron/cli'), { recursive: true });
    mkdirSync(join(root, 'shared'));
    writeFileSync(join(root, 'shared/errors.ts'), 'export const x: number = 1;\n');
    writeFileSync(join(root, 'electron/cli/main.ts'), "import { x } from '../../shared/errors.ts';\nconsole.log('source' + String(x));\n");
    for (const file of ['electron/cli/main.ts', 'shared/errors.ts']) {
      const st = statSync(join(root, file));
      inputs.push([file, st.mtimeMs, st.size]);
    }
  } else {
    inputs.push(['electron/cli/main.ts', 1, 1]);
  }
  const fastList: string[] = [];
  if (options.fast) {
    const answer = options.fast === 'answers' ? 3 : 'undefined';
    writeFileSync(join(root, 'dist/cli/fast.cjs'), `exports.runFast = async (argv) => { console.log('fast bundle ' + argv.join(' ')); return ${answer}; };\n`);
    if (options.sources) {
      mkdirSync(join(root, 'electron/cli/fast'));
      writeFileSync(
        join(root, 'electron/cli/fast/fast-main.ts'),
        `import { x } from '../../../shared/errors.ts';\nexport async function runFast(argv: string[]): Promise<number | undefined> { console.log('fast source' + String(x) + ' ' + argv.join(' ')); return ${answer}; }\n`,
      );
      const st = statSync(join(root, 'electron/cli/fast/fast-main.ts'));
      inputs.push(['electron/cli/fast/fast-main.ts', st.mtimeMs, st.size]);
      fastList.push('electron/cli/fast/fast-main.ts', 'shared/errors.ts');
    }
  }
  const manifest = options.fast && options.fastList !== false ? { inputs, fast: fastList } : { inputs };
  if (options.manifest) writeFileSync(join(root, 'dist/cli/inputs.json'), JSON.stringify(manifest));
  const run = (env: NodeJS.ProcessEnv = {}, node = process.execPath, args: string[] = []) => {
    const result = spawnSync(node, [join(root, 'bin/tokenwarden.js'), ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(result.stdout.startsWith('fast') && options.fast === 'answers' ? 3 : 0);
    return result.stdout.trim();
  };
  return { root, run };
}

describe('bin/tokenwarden.js', () => {
  it('runs the bundle while every source it was built from is unchanged', () => {
    expect(fakePackage({ sources: true, manifest: true }).run()).toBe('bundle');
  });

  it('runs the TypeScript source once any bundled source changed, so a checkout never runs stale code', () => {
    const pkg = fakePackage({ sources: true, manifest: true });
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(pkg.root, 'shared/errors.ts'), later, later);
    expect(pkg.run()).toBe('source1');
  });

  it('runs the source when a bundled source was deleted or no bundle was built', () => {
    const pkg = fakePackage({ sources: true, manifest: true });
    rmSync(join(pkg.root, 'shared/errors.ts'));
    writeFileSync(join(pkg.root, 'electron/cli/main.ts'), "console.log('source');\n");
    const st = statSync(join(pkg.root, 'electron/cli/main.ts'));
    writeFileSync(join(pkg.root, 'dist/cli/inputs.json'), JSON.stringify({ inputs: [['electron/cli/main.ts', st.mtimeMs, st.size], ['shared/errors.ts', 1, 1]] }));
    expect(pkg.run()).toBe('source');
    expect(fakePackage({ sources: true, manifest: false }).run()).toBe('source1');
  });

  it('runs the bundle in an installed package, which ships no TypeScript', () => {
    expect(fakePackage({ sources: false, manifest: true }).run()).toBe('bundle');
  });

  it('TOKENWARDEN_CLI_SOURCE=1 forces the source', () => {
    expect(fakePackage({ sources: true, manifest: true }).run({ TOKENWARDEN_CLI_SOURCE: '1' })).toBe('source1');
  });
});

describe('bin/tokenwarden.js, the fast path for token, list and status', () => {
  const later = new Date(Date.now() + 5_000);

  it('runs the fast bundle first for exactly those words, and its exit code is the exit code', () => {
    const pkg = fakePackage({ sources: true, manifest: true, fast: 'answers' });
    for (const args of [['token', 'github'], ['list'], ['ls', '--json'], ['status']]) expect(pkg.run({}, undefined, args)).toBe(`fast bundle ${args.join(' ')}`);
    for (const args of [['show', 'github'], ['--version'], [], ['tokens']]) expect(pkg.run({}, undefined, args)).toBe('bundle');
  });

  it('runs the full bundle when the fast path declines, and never tries it with TOKENWARDEN_CLI_FAST=0', () => {
    const pkg = fakePackage({ sources: true, manifest: true, fast: 'declines' });
    expect(pkg.run({}, undefined, ['token', 'github'])).toBe('fast bundle token github\nbundle');
    expect(pkg.run({ TOKENWARDEN_CLI_FAST: '0' }, undefined, ['token', 'github'])).toBe('bundle');
  });

  it('judges each bundle by its own sources: an edit to a source of the full CLI alone keeps the fast bundle', () => {
    const pkg = fakePackage({ sources: true, manifest: true, fast: 'declines' });
    utimesSync(join(pkg.root, 'electron/cli/main.ts'), later, later);
    expect(pkg.run({}, undefined, ['token', 'github'])).toBe('fast bundle token github\nsource1');
  });

  it('runs the fast TypeScript source once one of its sources changed, then the full source', () => {
    const pkg = fakePackage({ sources: true, manifest: true, fast: 'declines' });
    utimesSync(join(pkg.root, 'shared/errors.ts'), later, later);
    expect(pkg.run({}, undefined, ['token', 'github'])).toBe('fast source1 token github\nsource1');
    expect(fakePackage({ sources: true, manifest: true, fast: 'answers' }).run({ TOKENWARDEN_CLI_SOURCE: '1' }, undefined, ['list'])).toBe('fast source1 list');
  });

  it('treats a manifest from before the fast entry as no fast bundle', () => {
    expect(fakePackage({ sources: true, manifest: true, fast: 'declines', fastList: false }).run({}, undefined, ['list'])).toBe('fast source1 list\nbundle');
    expect(fakePackage({ sources: false, manifest: true, fast: 'declines', fastList: false }).run({}, undefined, ['list'])).toBe('bundle');
  });

  it('runs the fast bundle in an installed package', () => {
    expect(fakePackage({ sources: false, manifest: true, fast: 'answers' }).run({}, undefined, ['token', 'github'])).toBe('fast bundle token github');
  });
});

// A fresh machine may have only its own older Node (Debian's 20): the bundle must run there, and anything else
// must be one line that names the Node needed, never a stack trace.
describe.runIf(OLD_NODE)(`bin/tokenwarden.js on the machine's own Node (${OLD_NODE ?? 'none older than 22.19'})`, () => {
  // No Node 24 fetched beside it: the old Node itself runs bin.
  const NO_FETCHED = { TOKENWARDEN_NODE_DIR: '/nonexistent/tokenwarden-node24' };

  it('links and runs the bundle (no named import Node 20 lacks)', () => {
    expect(fakePackage({ sources: true, manifest: true }).run(NO_FETCHED, OLD_NODE!)).toBe('bundle');
    expect(fakePackage({ sources: false, manifest: true }).run(NO_FETCHED, OLD_NODE!)).toBe('bundle');
  });

  it('with the Node 24 that npm ci fetched, re-runs the command on it (sources, signals and exit code its own)', () => {
    const cache = mkdtempSync(join(tmpdir(), 'tkw-bin-node-'));
    dirs.push(cache);
    mkdirSync(join(cache, 'node_modules/.bin'), { recursive: true });
    symlinkSync(process.execPath, join(cache, 'node_modules/.bin/node'));
    const pkg = fakePackage({ sources: true, manifest: true });
    writeFileSync(join(pkg.root, 'electron/cli/main.ts'), "const v: string = process.versions.node;\nconsole.log(v);\nprocess.exitCode = 4;\n");
    const result = spawnSync(OLD_NODE!, [join(pkg.root, 'bin/tokenwarden.js')], { env: { PATH: process.env.PATH, TOKENWARDEN_NODE_DIR: cache }, encoding: 'utf8' });
    expect(result.stdout.trim()).toBe(process.versions.node);
    expect(result.status).toBe(4);
  });

  it('daemon, exec and mcp without a fetched Node: one line naming the Node needed, exit ERR_UNSUPPORTED_NODE, nothing started', () => {
    const pkg = fakePackage({ sources: false, manifest: true });
    for (const command of ['daemon', 'exec', 'mcp']) {
      const result = spawnSync(OLD_NODE!, [join(pkg.root, 'bin/tokenwarden.js'), command], { env: { PATH: process.env.PATH, ...NO_FETCHED }, encoding: 'utf8' });
      expect(result.status).toBe(exitCodeFor('ERR_UNSUPPORTED_NODE'));
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(`tokenwarden: \`${command}\` needs Node 22.19 or later, and this is Node ${spawnSync(OLD_NODE!, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()}. Run \`npm ci\` in the checkout (it fetches Node 24 once) or install Node 24 LTS. (ERR_UNSUPPORTED_NODE)\n`);
    }
  });

  it('links and runs the fast bundle, also while a source of the full CLI alone changed', () => {
    expect(fakePackage({ sources: true, manifest: true, fast: 'answers' }).run(NO_FETCHED, OLD_NODE!, ['token', 'github'])).toBe('fast bundle token github');
    const pkg = fakePackage({ sources: true, manifest: true, fast: 'answers' });
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(pkg.root, 'electron/cli/main.ts'), later, later);
    expect(pkg.run(NO_FETCHED, OLD_NODE!, ['token', 'github'])).toBe('fast bundle token github');
  });

  it('changed sources it cannot strip: one line naming the version needed and what to do, exit ERR_UNSUPPORTED_NODE', () => {
    const pkg = fakePackage({ sources: true, manifest: true });
    const result = spawnSync(OLD_NODE!, [join(pkg.root, 'bin/tokenwarden.js'), '--version'], { env: { PATH: process.env.PATH, TOKENWARDEN_CLI_SOURCE: '1', ...NO_FETCHED }, encoding: 'utf8' });
    expect(result.status).toBe(exitCodeFor('ERR_UNSUPPORTED_NODE'));
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tokenwarden: this checkout's sources changed since dist\/cli was built, and Node 2\d\.\d+\.\d+ cannot run them \(it needs 22\.19 or later\)\. Run `npm run build:cli`, or use Node 24\. \(ERR_UNSUPPORTED_NODE\)\n$/);
  });
});
