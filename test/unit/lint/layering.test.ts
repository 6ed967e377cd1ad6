import { randomBytes } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const planted: string[] = [];

/** Plants a real file in the layer, lints it with the project config, and removes it again. */
async function lintPlanted(dir: string, source: string): Promise<string[]> {
  const file = join(root, dir, `planted-${randomBytes(4).toString('hex')}.ts`);
  planted.push(file);
  writeFileSync(file, source);
  const [result] = await new ESLint({ cwd: root }).lintFiles([file]);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

afterEach(() => {
  for (const file of planted.splice(0)) rmSync(file, { force: true });
});

describe('layering lint', () => {
  it.each([
    ['electron/core', "import { app } from 'electron';"],
    ['electron/core', "import Store from 'electron-store';"],
    ['electron/core', "import { x } from '../main/index.ts';"],
    ['renderer', "import { readFileSync } from 'node:fs';"],
    ['renderer', "import fs from 'fs';"],
    ['renderer', "import { app } from 'electron';"],
    ['renderer', "import { Vault } from '../electron/core/vault/vault.ts';"],
    ['shared', "import { createHash } from 'node:crypto';"],
    ['shared', "import React from 'react';"],
    ['electron/preload', "import { Vault } from '../core/vault/vault.ts';"],
    ['electron/cli', "import { app } from 'electron';"],
  ])('catches a forbidden import planted in %s: %s', async (dir, source) => {
    const messages = await lintPlanted(dir, `${source}\nexport const planted = 1;\n`);
    expect(messages.length).toBeGreaterThanOrEqual(1);
  });

  it('allows what each layer may import', async () => {
    expect(await lintPlanted('electron/core', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toEqual([]);
    expect(await lintPlanted('renderer', "import { API_METHODS } from '../shared/contract.ts';\nexport const x = API_METHODS;\n")).toEqual([]);
    expect(await lintPlanted('electron/main', "import type { App } from 'electron';\nexport type X = App;\n")).toEqual([]);
  });
});
