/**
 * scripts/build-cli.js builds dist/cli/fast.cjs as one file of its own, holding neither zod nor commander, and
 * records in dist/cli/inputs.json every source of both entries, with the fast entry's own list.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS script without types (it must run on old Nodes)
import { buildCli } from '../../../../../scripts/build-cli.js';

const ROOT = join(import.meta.dirname, '../../../../..');
let dir: string;
let out: string;
let manifest: { inputs: [string, number, number][]; fast: string[] };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tkw-fast-build-'));
  out = join(dir, 'dist/cli');
  await (buildCli as (options: { out: string }) => Promise<unknown>)({ out });
  manifest = JSON.parse(readFileSync(join(out, 'inputs.json'), 'utf8')) as typeof manifest;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Project sources an entry reaches by value imports (static, dynamic, re-exports); type-only imports carry no code. */
function sourcesOf(entry: string): Set<string> {
  const seen = new Set<string>();
  const todo = [entry];
  while (todo.length > 0) {
    const file = todo.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(join(ROOT, file), 'utf8');
    const specifiers = [
      ...text.matchAll(/^\s*(?:import|export)\s+(?!type\s)[^;]*?\sfrom\s+'(\.[^']+\.ts)'/gm),
      ...text.matchAll(/^\s*import\s+'(\.[^']+\.ts)'/gm),
      ...text.matchAll(/import\('(\.[^']+\.ts)'\)/g),
    ].map((m) => m[1]!);
    for (const specifier of specifiers) todo.push(relative(ROOT, resolve(ROOT, dirname(file), specifier)));
  }
  return seen;
}

describe('the fast bundle', () => {
  it('is one file that holds neither zod nor commander, nor loads the built-ins only other commands need', () => {
    const fast = readFileSync(join(out, 'fast.cjs'), 'utf8');
    expect(fast).not.toMatch(/require\(\s*"\.\.?\//);
    expect(fast).not.toMatch(/import\(\s*"\.\.?\//);
    expect(fast).not.toMatch(/ZodError|\$ZodType|zod/);
    expect(fast).not.toMatch(/CommanderError|commander/);
    for (const builtin of ['node:tls', 'node:http', 'node:https', 'node:readline', 'node:child_process', 'node:fs/promises']) {
      expect(fast, builtin).not.toContain(`"${builtin}"`);
    }
  });

  it('inputs.json covers every source of both entries, and names the fast entry’s own', () => {
    const recorded = new Set(manifest.inputs.map(([file]) => file));
    expect(sourcesOf('electron/cli/main.ts').size, 'the import crawl still finds the CLI').toBeGreaterThan(100);
    for (const entry of ['electron/cli/main.ts', 'electron/cli/fast/fast-main.ts']) {
      const missing = [...sourcesOf(entry)].filter((file) => !recorded.has(file));
      expect(missing, entry).toEqual([]);
    }
    const fastSources = readdirSync(join(ROOT, 'electron/cli/fast')).map((name) => `electron/cli/fast/${name}`);
    expect(manifest.fast).toEqual(expect.arrayContaining(fastSources));
    expect(manifest.fast).toEqual(expect.arrayContaining(['electron/cli/format.ts', 'electron/core/vault/owner-lock.ts', 'shared/errors.ts']));
    expect(manifest.fast.filter((file) => !recorded.has(file))).toEqual([]);
    // Tree shaking left it out of fast.cjs, so an edit to it must not send `tkw token` to the TypeScript source.
    expect(manifest.fast).not.toContain('shared/policy.ts');
  });
});
