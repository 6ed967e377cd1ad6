/**
 * Smoke e2e against the packaged TEST build (inspect fuse on, SECURITY E7), through Playwright's `_electron`.
 * CI sets TW_ELECTRON_EXECUTABLE to the unpacked app binary; locally it falls back to `npx electron .`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

let app: ElectronApplication;
let home: string;

test.beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'tw-electron-'));
  const executablePath = process.env.TW_ELECTRON_EXECUTABLE;
  app = await electron.launch({
    ...(executablePath ? { executablePath, args: [] } : { args: ['.'] }),
    env: {
      ...process.env,
      TOKENWARDEN_HOME: home,
      TOKENWARDEN_PASSPHRASE: 'electron smoke passphrase',
      ELECTRON_ENABLE_LOGGING: '1',
    },
    timeout: 60_000,
  });
  // E3: log every http(s) request any renderer makes from here on; the app should make none.
  await app.evaluate(({ session }) => {
    const g = globalThis as unknown as { __twHttp: string[] };
    g.__twHttp = [];
    session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
      if (/^https?:/i.test(details.url)) g.__twHttp.push(details.url);
      callback({});
    });
  });
});

test.afterAll(async () => {
  await app?.close();
  rmSync(home, { recursive: true, force: true });
});

test('E1 the renderer has no Node: require and process are undefined, window.tokenwarden is the bridge', async () => {
  const page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
  expect(page.url()).toMatch(/^app:\/\/bundle\//);
  expect(await page.evaluate(() => [typeof (globalThis as { require?: unknown }).require, typeof (globalThis as { process?: unknown }).process])).toEqual([
    'undefined',
    'undefined',
  ]);
  const keys = await page.evaluate(() => Object.keys((window as unknown as { tokenwarden: object }).tokenwarden).sort());
  expect(keys).toContain('list');
  expect(keys).toContain('onEvent');
  expect(keys).not.toContain('token');
});

test('E1 main reports the hardened webPreferences', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const contents = BrowserWindow.getAllWindows()[0]?.webContents as unknown as {
      getLastWebPreferences?: () => { contextIsolation?: boolean; sandbox?: boolean; nodeIntegration?: boolean } | null;
    };
    if (typeof contents?.getLastWebPreferences !== 'function') return 'unavailable';
    const p = contents.getLastWebPreferences();
    return p ? { contextIsolation: p.contextIsolation, sandbox: p.sandbox, nodeIntegration: p.nodeIntegration } : null;
  });
  test.skip(prefs === 'unavailable', 'this Electron has no getLastWebPreferences(); the renderer-side E1 check above still ran');
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false });
});

test('E4 navigation away and window.open are refused; permissions are denied', async () => {
  const page = await app.firstWindow();
  const before = page.url();
  await page.evaluate(() => {
    location.href = 'https://evil.example/';
  });
  // A round trip through the same context: had the navigation gone ahead, this would throw (context destroyed).
  expect(await page.evaluate(() => location.href)).toBe(before);
  expect(page.url()).toBe(before);
  await page.evaluate(() => {
    location.href = 'file:///etc/passwd';
  });
  expect(await page.evaluate(() => location.href)).toBe(before);
  await page.evaluate(() => window.open('https://evil.example/'));
  expect(app.windows()).toHaveLength(1);
  expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied');
});

test('E5 IPC round trip: the real service answers through the preload bridge', async () => {
  const page = await app.firstWindow();
  const status = await page.evaluate(() => (window as unknown as { tokenwarden: { status(): Promise<{ ok: boolean; value: { locked: boolean } }> } }).tokenwarden.status());
  expect(status.ok).toBe(true);
  expect(status.value.locked).toBe(false);
  await expect(page.getByRole('heading', { name: 'No credentials yet' })).toBeVisible();
});

test('E3 the renderer made no http(s) request, even when it tries one', async () => {
  const page = await app.firstWindow();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'No credentials yet' })).toBeVisible();
  expect(await page.evaluate(() => fetch('https://example.com/').then(() => 'resolved', () => 'rejected'))).toBe('rejected');
  const seen = await app.evaluate(() => (globalThis as unknown as { __twHttp: string[] }).__twHttp);
  expect(seen).toEqual([]);
});

test('S6 powerMonitor lock-screen locks the vault and the window shows the lock screen', async () => {
  const page = await app.firstWindow();
  await app.evaluate(({ powerMonitor }) => {
    powerMonitor.emit('lock-screen');
  });
  await expect(page.getByRole('heading', { name: 'Tokenwarden is locked' })).toBeVisible();
  await page.getByLabel('Passphrase').fill('electron smoke passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('heading', { name: 'No credentials yet' })).toBeVisible();
});

test('S2 with --password-store=basic the vault stays on the passphrase keyslot and the user is told why', async () => {
  test.skip(process.platform !== 'linux', 'basic_text is a Linux backend');
  const basicHome = mkdtempSync(path.join(tmpdir(), 'tw-electron-basic-'));
  const executablePath = process.env.TW_ELECTRON_EXECUTABLE;
  const basic = await electron.launch({
    ...(executablePath ? { executablePath, args: ['--password-store=basic'] } : { args: ['.', '--password-store=basic'] }),
    env: { ...process.env, TOKENWARDEN_HOME: basicHome, TOKENWARDEN_PASSPHRASE: 'electron smoke passphrase' },
    timeout: 60_000,
  });
  try {
    const page = await basic.firstWindow();
    await expect(page.getByRole('note').filter({ hasText: 'basic_text' })).toBeVisible();
    const status = await page.evaluate(() =>
      (window as unknown as { tokenwarden: { status(): Promise<{ value: { keyslots: string[] } }> } }).tokenwarden.status(),
    );
    expect(status.value.keyslots).toEqual(['passphrase']);
  } finally {
    await basic.close();
    rmSync(basicHome, { recursive: true, force: true });
  }
});
