import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS } from '../../../../shared/contract.ts';
// @ts-expect-error -- plain JS build script without types
import { buildElectron } from '../../../../scripts/build-electron.js';

const repo = path.resolve(import.meta.dirname, '../../../..');
let dir: string;
let report: {
  order: string[];
  schemes: { scheme: string; privileges: Record<string, boolean> }[];
  protocols: string[];
  channels: string[];
  windows: { webPreferences: Record<string, unknown>; loaded: string[] }[];
  calls: Record<string, { ok: boolean; value?: unknown; error?: { code: string } }>;
  errors: string[];
  dialogs: { modal: boolean; message: string; detail: string; buttons: string[] }[];
  ownerLock?: { pid: number; role: string; socketPath: string };
  controlList?: { result?: { name: string }[] };
};
let exitCode: number | null;

beforeAll(async () => {
  // Inside the repo (.tmp is git-ignored) so the bundle resolves its one native external,
  // @napi-rs/keyring, from node_modules the way the packaged app does.
  mkdirSync(path.join(repo, '.tmp'), { recursive: true });
  dir = mkdtempSync(path.join(repo, '.tmp', 'glue-'));
  await buildElectron({ outdir: path.join(dir, 'dist') });
  const userData = path.join(dir, 'user-data');
  mkdirSync(userData, { recursive: true });
  // Port 0: the glue test must not collide with a real owner on 8787.
  writeFileSync(path.join(userData, 'settings.json'), JSON.stringify({ proxyPort: 0 }));
  const reportFile = path.join(dir, 'report.json');
  const child = spawn(process.execPath, ['--require', path.join(repo, 'test/fixtures/e2e-fake-electron.cjs'), path.join(dir, 'dist/main/index.cjs')], {
    env: {
      ...process.env,
      FAKE_ELECTRON_APP_ROOT: dir,
      FAKE_ELECTRON_USER_DATA: userData,
      FAKE_ELECTRON_REPORT: reportFile,
      TOKENWARDEN_HOME: path.join(dir, 'home'),
      TOKENWARDEN_PASSPHRASE: 'glue test passphrase',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  exitCode = await new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  report = JSON.parse(readFileSync(reportFile, 'utf8'));
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('electron/main/index.ts glue (bundled, against a fake electron module)', () => {
  it('boots and quits cleanly', () => {
    expect(report.errors).toEqual([]);
    expect(exitCode).toBe(0);
    expect(report.order).toContain('exit:0');
  });

  it('E1 E2 enables the sandbox and registers the app:// scheme before ready, and takes the single-instance lock', () => {
    const at = (s: string) => report.order.indexOf(s);
    expect(at('enableSandbox')).toBeGreaterThanOrEqual(0);
    expect(at('enableSandbox')).toBeLessThan(at('whenReady'));
    expect(at('registerSchemesAsPrivileged')).toBeLessThan(at('whenReady'));
    expect(at('requestSingleInstanceLock')).toBeLessThan(at('whenReady'));
    expect(report.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    expect(report.protocols).toEqual(['app']);
  });

  it('E1 E4 creates one hardened window loading app://bundle/index.html with the bundled preload', () => {
    expect(report.windows).toHaveLength(1);
    const w = report.windows[0]!;
    expect(w.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(w.webPreferences.preload)).toMatch(/dist[\\/]preload[\\/]index\.cjs$/);
    expect(w.loaded).toEqual(['app://bundle/index.html']);
    for (const step of ['windowOpenHandler', 'permissionRequestHandler', 'permissionCheckHandler']) expect(report.order).toContain(step);
  });

  it('E5 registers exactly the API channels, refuses a foreign frame and bad arguments, and serves the real service', () => {
    expect([...report.channels].sort()).toEqual(API_METHODS.map((m) => `tw:${m}`).sort());
    expect(report.calls.foreign).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
    expect(report.calls.badArg).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(report.calls.add).toMatchObject({ ok: true, value: { name: 'glue', tokenTail: '1234' } });
    expect(report.calls.list).toMatchObject({ ok: true, value: [{ name: 'glue' }] });
  });

  it('E5 main wires the native dialog into IPC: an exec add shows the exact command, modal to the window, and Cancel refuses it', () => {
    expect(report.dialogs).toEqual([
      expect.objectContaining({ modal: true, message: 'Add the command and hosts of "cmd"?', buttons: ['Cancel', 'Add'] }),
    ]);
    expect(report.dialogs[0]!.detail).toContain('    echo glue-command');
    expect(report.calls.addExec).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED' } });
  });

  it('R3 the app is the one owner: it holds the owner lock and serves the CLI over the control socket', () => {
    expect(report.ownerLock).toMatchObject({ role: 'app', socketPath: expect.stringMatching(/control\.sock$/) });
    expect(report.controlList?.result?.map((s) => s.name)).toEqual(['glue']);
  });

  it('S2 with the basic_text backend the vault stays on the passphrase keyslot only', () => {
    expect(report.calls.status).toMatchObject({ ok: true, value: { locked: false } });
    const keyslots = (report.calls.status!.value as { keyslots: string[] }).keyslots;
    expect(keyslots).toContain('passphrase');
    expect(keyslots).not.toContain('safe-storage');
    // The user is told why, through the status the lock screen and banners show.
    expect((report.calls.status!.value as { warnings: string[] }).warnings.join(' ')).toMatch(/basic_text/);
  });
});

describe('dist/preload/index.cjs (bundled) in a sandbox-like context', () => {
  it('E5 requires only electron and exposes exactly the API methods plus onEvent as "tokenwarden"', async () => {
    const { runInNewContext } = await import('node:vm');
    const code = readFileSync(path.join(dir, 'dist/preload/index.cjs'), 'utf8');
    const required: string[] = [];
    const exposed: { key: string; api: Record<string, unknown> }[] = [];
    const invoked: unknown[][] = [];
    const fakeElectron = {
      contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => exposed.push({ key, api }) },
      ipcRenderer: {
        invoke: async (...args: unknown[]) => invoked.push(args),
        on: () => undefined,
        removeListener: () => undefined,
      },
    };
    const module = { exports: {} };
    // A sandboxed preload has no Node: no process, no Buffer, and require() knows only a few modules.
    runInNewContext(code, {
      module,
      exports: module.exports,
      require: (id: string) => {
        required.push(id);
        if (id === 'electron') return fakeElectron;
        throw new Error(`sandboxed preload cannot require ${id}`);
      },
    });
    expect(required).toEqual(['electron']);
    expect(exposed.map((e) => e.key)).toEqual(['tokenwarden']);
    expect(Object.keys(exposed[0]!.api).sort()).toEqual([...API_METHODS, 'onEvent'].sort());
    await (exposed[0]!.api.get as (n: string) => Promise<unknown>)('gh');
    expect(invoked).toEqual([['tw:get', 'gh']]);
  });
});
