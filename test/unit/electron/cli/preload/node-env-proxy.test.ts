/** The NODE_OPTIONS preload on a Node too old to load undici: it warns a user's program, never tkw itself. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OLD_NODE } from '../../../../fixtures/old-node.ts';

const PRELOAD = join(import.meta.dirname, '../../../../../electron/cli/preload/node-env-proxy.cjs');
const dir = mkdtempSync(join(tmpdir(), 'tkw-preload-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (script: string) => {
  const file = join(dir, script);
  writeFileSync(file, 'process.exitCode = 0;\n');
  return spawnSync(OLD_NODE!, ['--require', PRELOAD, file], { encoding: 'utf8', env: { PATH: process.env.PATH, HTTPS_PROXY: 'http://n:k@127.0.0.1:9' } });
};

describe.runIf(OLD_NODE)(`the env-proxy preload on ${OLD_NODE ?? 'an old Node'}`, () => {
  it('tells a user program in one line that its fetch is not routed', () => {
    expect(run('app.js').stderr).toMatch(/^tokenwarden: warning: could not route fetch through the proxy on Node 2\d\.\d+\.\d+ .*\n$/);
  });

  it('stays silent for tkw itself (bin/tokenwarden.js or a tkw link), after eval "$(tkw proxy-env)"', () => {
    expect(run('tokenwarden.js').stderr).toBe('');
    expect(run('tkw').stderr).toBe('');
  });
});
