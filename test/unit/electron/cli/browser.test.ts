import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openInBrowser } from '../../../../electron/cli/browser.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A $BROWSER that records its argv in a file. */
function recorder(): { browser: (extra: string) => string; argv: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'tkw-browser-'));
  dirs.push(dir);
  const out = join(dir, 'argv.json');
  const script = join(dir, 'browser.cjs');
  writeFileSync(script, `require('fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.argv.slice(2)))`);
  return {
    browser: (extra) => `'${process.execPath}' '${script}' ${extra}`,
    argv: () => JSON.parse(readFileSync(out, 'utf8')) as string[],
  };
}

const URL_ = 'http://127.0.0.1:9/auth?client_id=a&state=b';

describe('openInBrowser', () => {
  it('runs $BROWSER as a command (no shell) with the URL as its last argument, as gh does', async () => {
    const r = recorder();
    expect(await openInBrowser(URL_, { BROWSER: r.browser('--new-window') })).toContain('$BROWSER');
    await vi.waitFor(() => expect(r.argv()).toEqual(['--new-window', URL_]), { timeout: 60_000, interval: 50 });
  });

  it('puts the URL where %s is when $BROWSER has one', async () => {
    const r = recorder();
    await openInBrowser(URL_, { BROWSER: r.browser('--url=%s --flag') });
    await vi.waitFor(() => expect(r.argv()).toEqual([`--url=${URL_}`, '--flag']), { timeout: 60_000, interval: 50 });
  });

  it('rejects when $BROWSER cannot be started, so the CLI can say so (the URL is printed anyway)', async () => {
    const missing = join(tmpdir(), 'no-such-browser-here');
    expect(existsSync(missing)).toBe(false);
    await expect(openInBrowser(URL_, { BROWSER: missing })).rejects.toThrow(/ENOENT/);
  });
});
