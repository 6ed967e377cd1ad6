import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS script without types
import { ACCEPTED, scanElectronShell, unaccepted } from '../../../scripts/electronegativity.js';

type Finding = { id: string; severity: string; file: string; line: number };
const repo = path.resolve(import.meta.dirname, '../../..');
const temp = mkdtempSync(path.join(tmpdir(), 'tw-en-test-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('npm run lint:electron (electronegativity, offline)', () => {
  it('E8 electron/main and electron/preload have no finding beyond the accepted ones, each with a reason', async () => {
    const { findings, errors } = (await scanElectronShell()) as { findings: Finding[]; errors: unknown[] };
    expect(errors).toEqual([]);
    expect(unaccepted(findings)).toEqual([]);
    for (const a of ACCEPTED as { reason: string }[]) expect(a.reason.length).toBeGreaterThan(40);
  }, 60_000);

  it('E8 a seeded nodeIntegration:true and a missing sandbox fail the check', async () => {
    for (const dir of ['electron/main', 'electron/preload']) cpSync(path.join(repo, dir), path.join(temp, dir), { recursive: true });
    writeFileSync(
      path.join(temp, 'electron/main/seeded.ts'),
      "import { BrowserWindow } from 'electron';\nexport const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false } });\n",
    );
    const { findings } = (await scanElectronShell({ base: temp })) as { findings: Finding[] };
    const bad = unaccepted(findings) as Finding[];
    expect(bad.map((f) => `${f.id} ${f.file}`)).toEqual(
      expect.arrayContaining(['NODE_INTEGRATION_JS_CHECK main/seeded.ts', 'CONTEXT_ISOLATION_JS_CHECK main/seeded.ts']),
    );
  }, 60_000);
});
