/**
 * "One of each": one atomic writer, one data-dir resolver, one basic_text refusal. Each test
 * scans the shipped source, so a second copy added later fails here with the file that has it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|tsx|js|cjs|mjs)$/.test(e.name))
    .map((e) => relative(root, join(e.parentPath, e.name)));
}

const shipped = ['electron', 'shared', 'renderer'].flatMap(sources);
const code = (file: string) => readFileSync(join(root, file), 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
const filesMatching = (pattern: RegExp) => shipped.filter((file) => pattern.test(code(file)));

describe('one of each', () => {
  it('R1 S4 every file the owner replaces (vault, settings.json, ca.pem, ca-bundle.pem) goes through the one atomic writer', () => {
    // writeFile/writeFileSync replace a file in place (a crash leaves it truncated); rename is the writer's job.
    expect(filesMatching(/\bwriteFile(Sync)?\s*\(|\brename(Sync)?\s*\(/)).toEqual([
      'electron/core/vault/atomic-file.ts',
      // Quarantine: moves a corrupt vault aside, never writes one.
      'electron/core/vault/vault-storage.ts',
    ]);
    for (const file of ['electron/main/settings-store.ts', 'electron/core/proxy/ca-file.ts', 'electron/core/proxy/ca-bundle.ts']) {
      expect(code(file), file).toMatch(/\bwriteFileAtomic\(/);
    }
  });

  it('one data-dir resolver: only electron/core/base/data-dir.ts reads TOKENWARDEN_HOME', () => {
    expect(filesMatching(/\.TOKENWARDEN_HOME\b|\['TOKENWARDEN_HOME'\]/)).toEqual(['electron/core/base/data-dir.ts']);
    expect(code('electron/main/index.ts')).toMatch(/home: resolveDataDir\(process\.env\)/);
  });

  it('S2 one basic_text refusal: only the vault keyslot decides what basic_text means', () => {
    expect(filesMatching(/['"]basic_text['"]/)).toEqual(['electron/core/vault/keyslots/safe-storage-keyslot.ts']);
    expect(code('electron/main/safe-storage-keyslot.ts')).toMatch(/safeStorageRefusal\(/);
  });
});
