import { join } from 'node:path';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const LAYER_RULE_IDS = new Set(['no-restricted-imports', 'boundaries/dependencies']);
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

/**
 * Lints a source as if it lived at `file` (relative to the repo), with the project config, without
 * writing anything into the source tree. Imports resolve against the real files next to that path.
 */
async function layerMessages(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${source}\nexport const planted = 1;\n`, { filePath: join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId !== null && LAYER_RULE_IDS.has(m.ruleId)).map((m) => `${m.ruleId}: ${m.message}`);
}

describe('layering lint (resolved paths, several nesting depths)', () => {
  it.each([
    // The case the old string patterns missed: a nested core file reaching main by a relative path.
    ['electron/core/vault/keyslots/planted.ts', "import { x } from '../../../main/index.ts';"],
    ['electron/core/vault/planted.ts', "import { x } from '../../main/index.ts';"],
    ['electron/core/planted.ts', "import { x } from '../main/index.ts';"],
    ['electron/core/proxy/planted.ts', "export { x } from '../../cli/program.ts';"],
    ['electron/core/planted.ts', "const m = await import('../preload/bridge.ts');"],
    ['electron/core/lifecycle/planted.ts', "import { x } from '../../../renderer/api.ts';"],
    ['electron/core/planted.ts', "import { x } from '../../test/fixtures/cli-run.ts';"],
    ['electron/core/planted.ts', "import { app } from 'electron';"],
    ['electron/core/oauth/planted.ts', "import Store from 'electron-store';"],
    ['electron/cli/commands/planted.ts', "import { x } from '../../main/index.ts';"],
    ['electron/cli/planted.ts', "import { app } from 'electron';"],
    ['electron/mcp/planted.ts', "import { x } from '../main/index.ts';"],
    ['electron/mcp/tools/planted.ts', "import { x } from '../../../renderer/api.ts';"],
    ['electron/mcp/planted.ts', "import { app } from 'electron';"],
    ['electron/preload/planted.ts', "import { Vault } from '../core/vault/vault.ts';"],
    ['electron/preload/planted.ts', "import { readFileSync } from 'node:fs';"],
    ['electron/main/planted.ts', "import { x } from '../../renderer/api.ts';"],
    ['renderer/planted.ts', "import { readFileSync } from 'node:fs';"],
    ['renderer/features/detail/planted.ts', "import fs from 'fs';"],
    ['renderer/planted.ts', "import { app } from 'electron';"],
    ['renderer/features/token-list/planted.ts', "import { Vault } from '../../../electron/core/vault/vault.ts';"],
    ['shared/planted.ts', "import { createHash } from 'node:crypto';"],
    ['shared/planted.ts', "import React from 'react';"],
    ['shared/planted.ts', "import { x } from '../electron/core/base/errors.ts';"],
  ])('catches a forbidden import in %s: %s', async (file, source) => {
    expect(await layerMessages(file, source)).not.toEqual([]);
  });

  it('names the rule and the reason for a nested core file importing ../../main/x', async () => {
    const messages = await layerMessages('electron/core/vault/planted.ts', "import { x } from '../../main/index.ts';");
    expect(messages).toEqual([expect.stringMatching(/^boundaries\/dependencies: electron\/core is plain Node/)]);
  });

  it.each([
    ['electron/core/planted.ts', "import { readFileSync } from 'node:fs';"],
    ['electron/core/vault/keyslots/planted.ts', "import { TokenwardenError } from '../../errors.ts';"],
    ['electron/core/vault/keyslots/planted.ts', "import { API_METHODS } from '../../../../shared/contract.ts';"],
    ['electron/cli/commands/planted.ts', "import { createService } from '../../core/create-service.ts';"],
    ['electron/mcp/planted.ts', "import { connectControl } from '../core/control/control-client.ts';"],
    ['electron/mcp/planted.ts', "import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';"],
    ['electron/main/planted.ts', "import type { App } from 'electron';"],
    ['electron/main/planted.ts', "import { createService } from '../core/create-service.ts';"],
    ['electron/preload/planted.ts', "import { API_METHODS } from '../../shared/contract.ts';"],
    ['renderer/features/detail/planted.ts', "import { API_METHODS } from '../../../shared/contract.ts';"],
    ['renderer/planted.ts', "import { useState } from 'react';"],
    // A relative path that merely contains "electron/" is not the electron package.
    ['test/unit/planted.ts', "import { createService } from '../../electron/core/create-service.ts';"],
  ])('allows %s: %s', async (file, source) => {
    expect(await layerMessages(file, source)).toEqual([]);
  });
});
