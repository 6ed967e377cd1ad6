import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { CredentialSummary, VaultStatus } from '../../../../shared/model.ts';
import { createNotifier, recoveryAlert } from '../../../../electron/main/notifications.ts';
import { createSettingsStore, jsonFileStore } from '../../../../electron/main/settings-store.ts';
import { trayTemplate } from '../../../../electron/main/tray.ts';

const status = (locked: boolean): VaultStatus => ({
  locked,
  keyslots: ['passphrase'],
  dataDir: '/d',
  vaultPath: '/d/vault.json',
  ownerPid: 1,
  proxy: { url: 'http://127.0.0.1:8787', port: 8787 },
  credentialCount: 3,
  warnings: [],
});

describe('tray menu', () => {
  it('offers lock when unlocked and shows proxy status', async () => {
    const lock = vi.fn(async () => undefined);
    const t = trayTemplate(status(false), { showWindow: vi.fn(), lock, requestUnlock: vi.fn(), quit: vi.fn() });
    const labels = t.map((i) => i.label);
    expect(labels).toContain('Proxy: http://127.0.0.1:8787');
    expect(labels).toContain('Vault: unlocked (3 credentials)');
    t.find((i) => i.label === 'Lock now')!.click!(undefined as never, undefined, undefined as never);
    expect(lock).toHaveBeenCalled();
  });

  it('offers unlock (through the window) when locked', () => {
    const requestUnlock = vi.fn();
    const t = trayTemplate(status(true), { showWindow: vi.fn(), lock: vi.fn(), requestUnlock, quit: vi.fn() });
    t.find((i) => i.label === 'Unlock…')!.click!(undefined as never, undefined, undefined as never);
    expect(requestUnlock).toHaveBeenCalled();
  });
});

describe('notifications', () => {
  const summary = (name: string, s: CredentialSummary['status']) => ({ name, status: s }) as CredentialSummary;

  it('notifies alerts and newly needs-login credentials, not the first snapshot', () => {
    const shown: { title: string; body: string }[] = [];
    const notify = createNotifier({
      isSupported: () => true,
      create: (o) => ({ on: () => undefined, show: () => shown.push(o) }),
      onClick: vi.fn(),
    });
    notify({ type: 'changed', summaries: [summary('a', 'needs-login'), summary('b', 'valid')] });
    expect(shown).toHaveLength(0);
    notify({ type: 'changed', summaries: [summary('a', 'needs-login'), summary('b', 'needs-login')] });
    expect(shown.map((s) => s.title)).toEqual(['Tokenwarden: b needs a login']);
    notify({ type: 'alert', level: 'error', code: 'ERR_IDP', name: 'b', message: 'The IdP refused the refresh.' });
    expect(shown).toHaveLength(2);
    notify({ type: 'alert', level: 'info', code: 'X', name: null, message: 'fyi' });
    expect(shown).toHaveLength(2);
  });
});

describe('R2 vault recovery notification', () => {
  it('R2 a fall-back to the vault backup becomes one desktop notification with the whole notice', () => {
    const shown: { title: string; body: string }[] = [];
    const clicked: (string | null)[] = [];
    let click: () => void = () => undefined;
    const notify = createNotifier({
      isSupported: () => true,
      create: (o) => ({ on: (_e: 'click', l: () => void) => (click = l), show: () => shown.push(o) }),
      onClick: (name) => clicked.push(name),
    });
    const message = 'The vault file is empty. The damaged vault was moved to /d/vault.json.corrupt-x and the last good backup /d/vault.json.bak was loaded.';
    notify(recoveryAlert({ message }));
    expect(shown).toEqual([{ title: 'Tokenwarden', body: message }]);
    click();
    expect(clicked).toEqual([null]);
  });
});

describe('settings store', () => {
  it('returns defaults, falls back per field on bad values, and writes validated values', async () => {
    let data: Record<string, unknown> = { clipboardClearSeconds: 'nope', proxyPort: 9000 };
    const store = createSettingsStore({ read: () => data, write: async (v) => void (data = v) });
    expect(store.read()).toMatchObject({ clipboardClearSeconds: 30, proxyPort: 9000, idleLockMinutes: 15, askBeforeReveal: false });
    await store.write({ clipboardClearSeconds: 10 });
    expect(data.clipboardClearSeconds).toBe(10);
    await expect(store.write({ clipboardClearSeconds: 1 })).rejects.toThrow();
    expect(store.read().clipboardClearSeconds).toBe(10);
  });

  it('R1 S4 settings.json is written by the atomic writer (mode 0600, no temp left) and a broken file reads as defaults', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-settings-'));
    try {
      const file = join(dir, 'settings.json');
      writeFileSync(file, '{ not json', { mode: 0o644 });
      const store = createSettingsStore(jsonFileStore(file));
      expect(store.read().askBeforeReveal).toBe(false);
      await store.write({ askBeforeReveal: true });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ askBeforeReveal: true, proxyPort: 8787 });
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readdirSync(dir)).toEqual(['settings.json']);
      expect(createSettingsStore(jsonFileStore(file)).read().askBeforeReveal).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('tray: Ask before revealing a token', () => {
  it('shows the setting as a checkbox drawn by main and toggles it', () => {
    let on = false;
    const toggle = vi.fn(() => void (on = !on));
    const deps = { showWindow: vi.fn(), lock: vi.fn(), requestUnlock: vi.fn(), quit: vi.fn(), askBeforeReveal: { enabled: () => on, toggle } };
    const item = () => trayTemplate(status(false), deps).find((i) => i.label === 'Ask before revealing a token')!;
    expect(item()).toMatchObject({ type: 'checkbox', checked: false });
    (item().click as () => void)();
    expect(toggle).toHaveBeenCalledOnce();
    expect(item()).toMatchObject({ type: 'checkbox', checked: true });
  });
});
