/** scripts/with-node.js: every npm script runs on a Node that can run the project, fetching Node 24 once where needed. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
// @ts-expect-error -- plain JS script without types (it must run on old Nodes)
import { isSuitable, nodeCacheDir, UNSUPPORTED_NODE_EXIT } from '../../../scripts/with-node.js';
import { OLD_NODE } from '../../fixtures/old-node.ts';

const ROOT = join(import.meta.dirname, '../../..');
const SCRIPT = join(ROOT, 'scripts/with-node.js');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tkw-with-node-'));
  dirs.push(dir);
  return dir;
}

/** A Node cache as the fetch leaves it, holding the Node that runs these tests. */
function cacheWithThisNode(): string {
  const dir = tempDir();
  mkdirSync(join(dir, 'node_modules/.bin'), { recursive: true });
  symlinkSync(process.execPath, join(dir, 'node_modules/.bin/node'));
  return dir;
}

const run = (node: string, args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(node, [SCRIPT, ...args], { cwd: ROOT, encoding: 'utf8', env: { HOME: tempDir(), PATH: process.env.PATH, ...env } });

describe('with-node.js', () => {
  it('knows which Nodes can run the project (unflagged type stripping and undici 8: 22.19, 23.6 and later)', () => {
    expect(['20.20.2', '22.12.0', '22.18.0', '23.0.0', '23.5.1'].map((v) => isSuitable(v))).toEqual([false, false, false, false, false]);
    expect(['22.19.0', '23.6.0', '24.21.0', '26.1.0'].map((v) => isSuitable(v))).toEqual([true, true, true, true]);
  });

  it('caches Node 24 under TOKENWARDEN_NODE_DIR, else under the XDG cache dir', () => {
    expect(nodeCacheDir({ TOKENWARDEN_NODE_DIR: '/x/n' })).toBe('/x/n');
    expect(nodeCacheDir({ XDG_CACHE_HOME: '/c' })).toBe('/c/tokenwarden-node24');
  });

  it('its exit code (bin/node-support.js, shared with bin/) is the one shared/errors.ts gives ERR_UNSUPPORTED_NODE', () => {
    expect(UNSUPPORTED_NODE_EXIT).toBe(exitCodeFor('ERR_UNSUPPORTED_NODE'));
  });

  it('on a suitable Node it runs the command as it is and passes its exit code back', () => {
    const result = run(process.execPath, ['node', '-e', 'process.exit(7)'], { TOKENWARDEN_NODE_DIR: join(tempDir(), 'never-fetched') });
    expect(result.status).toBe(7);
    expect(result.stderr).toBe('');
  });
});

describe.runIf(OLD_NODE)(`with-node.js on the machine's own Node (${OLD_NODE ?? 'none older than 22.19'})`, () => {
  it('re-runs a command under the cached Node 24, first on PATH so nested npm and node calls use it too', () => {
    const cache = cacheWithThisNode();
    const result = run(OLD_NODE!, ['sh', '-c', 'node -p process.versions.node'], { TOKENWARDEN_NODE_DIR: cache });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(process.versions.node);
    expect(result.status).toBe(0);
  });

  it('runs a TypeScript script under it, with its exit code', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'probe.ts'), 'const code: number = 5;\nconsole.log(process.versions.node);\nprocess.exit(code);\n');
    const result = run(OLD_NODE!, [join(dir, 'probe.ts')], { TOKENWARDEN_NODE_DIR: cacheWithThisNode() });
    expect(result.stdout.trim()).toBe(process.versions.node);
    expect(result.status).toBe(5);
  });

  it('a fetch that cannot happen is one line naming what to install, exit ERR_UNSUPPORTED_NODE, and no half-made cache', () => {
    const cache = join(tempDir(), 'node24');
    // No npm on PATH and no npm_execpath: the install cannot even start.
    const result = spawnSync(OLD_NODE!, [SCRIPT, 'node', '-e', '0'], { cwd: ROOT, encoding: 'utf8', env: { HOME: tempDir(), PATH: '/nonexistent', TOKENWARDEN_NODE_DIR: cache } });
    expect(result.status).toBe(exitCodeFor('ERR_UNSUPPORTED_NODE'));
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^tokenwarden: Node 2\d\.\d+\.\d+ is older than the 22\.19 this project needs; fetching Node 24 from the npm registry into .+node24 \(once/);
    expect(lines[1]).toMatch(/^tokenwarden: could not fetch Node 24 \(.+\)\. Install Node 24 LTS yourself \(https:\/\/nodejs\.org\/\) and run the command again\. \(ERR_UNSUPPORTED_NODE\)$/);
    expect(lines).toHaveLength(2);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(spawnSync('ls', [join(cache, '..')], { encoding: 'utf8' }).stdout.trim()).toBe('');
  });
});
