/** Electron main glue: single instance, sandbox, app:// protocol, the core service, IPC, window, tray, auto-lock. */
import { app, BrowserWindow, clipboard, ClipboardItem, dialog, ipcMain, Menu, nativeImage, nativeTheme, Notification, powerMonitor, protocol, safeStorage, shell, Tray } from 'electron';
import path from 'node:path';
import { TokenwardenError } from '../core/base/errors.ts';
import { resolveDataDir } from '../core/base/data-dir.ts';
import { startOwner } from '../core/owner.ts';
import { createRevealGate } from '../core/reveal/reveal-gate.ts';
import { APP_ENTRY_URL } from './app-origin.ts';
import { registerAppProtocol, registerAppScheme } from './app-protocol.ts';
import { startAutoLock } from './auto-lock.ts';
import { createElectronClipboard } from './clipboard.ts';
import { createConfirmDialog } from './confirm-dialog.ts';
import { registerIpc } from './ipc.ts';
import { createNotifier, recoveryAlert } from './notifications.ts';
import { createOpenExternal, issuerOrigins } from './open-external.ts';
import { createSafeStorageKeyslot } from './safe-storage-keyslot.ts';
import { createSettingsStore, jsonFileStore } from './settings-store.ts';
import { TRAY_ICON_DATA_URL } from './tray-icon.ts';
import { createTrayController } from './tray.ts';
import { createMainWindow } from './window.ts';

app.enableSandbox();
registerAppScheme(protocol);

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.whenReady().then(start).catch((err: unknown) => {
    // E.g. ERR_BUSY: a headless daemon already owns this data directory; two writers would lose updates.
    const message = err instanceof Error ? err.message : String(err);
    console.error('Tokenwarden failed to start:', message);
    dialog.showErrorBox('Tokenwarden cannot start', message);
    app.exit(1);
  });
}

async function start(): Promise<void> {
  const appRoot = app.getAppPath();
  const settings = createSettingsStore(jsonFileStore(path.join(app.getPath('userData'), 'settings.json')));
  const prefs = settings.read();
  const keyslot = createSafeStorageKeyslot(safeStorage);
  if (keyslot.refusalReason()) console.warn(keyslot.refusalReason());

  let win: BrowserWindow | null = null;
  // Native dialogs owned by main: confirming commands and host changes (E5), and "Ask before revealing a token".
  const dialogs = createConfirmDialog({ dialog, window: () => (win && !win.isDestroyed() ? win : null) });
  const revealGate = createRevealGate({ approver: dialogs, enabled: () => settings.read().askBeforeReveal });

  let allowedOrigins = new Set<string>(prefs.externalOrigins);
  const openExternal = createOpenExternal(shell, () => allowedOrigins);
  // The app is the owner of its data directory, exactly like `tokenwarden daemon`: the owner lock
  // keeps the CLI from opening the vault as a second writer, and the CLI talks to us over the socket.
  const notify = createNotifier({
    isSupported: () => Notification.isSupported(),
    create: (options) => new Notification(options),
    onClick: () => showWindow(),
  });
  const owner = await startOwner({
    role: 'app',
    onVaultRecovery: (recovery) => notify(recoveryAlert(recovery)),
    // The same resolver as the CLI and the daemon, so all three agree on the data directory.
    home: resolveDataDir(process.env),
    revealGate,
    safeStorage: keyslot,
    proxy: { port: prefs.proxyPort, strict: prefs.proxyStrict },
    clipboard: createElectronClipboard(clipboard, (entries) => new ClipboardItem(entries)),
    clipboardClearMs: prefs.clipboardClearSeconds * 1000,
    openBrowser: async (url: string) => {
      // A login right after `add` can outrun the allow-list refresh that the `changed` event starts.
      if (await openExternal(url)) return;
      await refreshAllowList();
      if (!(await openExternal(url))) throw new TokenwardenError('ERR_FORBIDDEN', 'That login URL is not on the allowed https list.');
    },
  });
  const service = owner.service;
  // The allow-list follows the configured issuers: login can open their pages and nothing else.
  async function refreshAllowList(): Promise<void> {
    // While locked the list cannot be read; the previous allow-list stays.
    allowedOrigins = await issuerOrigins(service, prefs.externalOrigins).catch(() => allowedOrigins);
  }

  registerAppProtocol(protocol, path.join(appRoot, 'dist', 'renderer'));

  const showWindow = (): void => {
    if (win && !win.isDestroyed()) {
      if (win.isMinimized()) win.restore();
      win.show();
      win.focus();
      return;
    }
    win = createMainWindow({
      BrowserWindow,
      preloadPath: path.join(appRoot, 'dist', 'preload', 'index.cjs'),
      entryUrl: APP_ENTRY_URL,
      // The same colours as renderer/styles.css --bg for light and dark.
      backgroundColor: nativeTheme.shouldUseDarkColors ? '#15171c' : '#f6f7f9',
      onExternalRequest: (url) => void openExternal(url),
    });
    win.on('closed', () => {
      win = null;
    });
  };

  const disposeIpc = registerIpc({
    ipcMain,
    service,
    dispatcher: owner.dispatcher,
    targets: () => (win && !win.isDestroyed() ? [win.webContents] : []),
    confirm: dialogs,
  });
  const tray = createTrayController({
    createTray: () => new Tray(nativeImage.createFromDataURL(TRAY_ICON_DATA_URL)),
    buildMenu: (template) => Menu.buildFromTemplate(template),
    showWindow,
    lock: () => service.lock(),
    requestUnlock: showWindow,
    quit: () => app.quit(),
    askBeforeReveal: {
      enabled: () => settings.read().askBeforeReveal,
      toggle: () => {
        settings.write({ askBeforeReveal: !settings.read().askBeforeReveal }).then(refreshTray, (err: unknown) => {
          console.warn('settings not saved:', err instanceof Error ? err.message : String(err));
        });
      },
    },
  });
  const refreshTray = (): void => {
    service.status().then(tray.update, () => tray.update(null));
  };
  const unsubscribe = service.onEvent((event) => {
    notify(event);
    if (event.type === 'locked' || event.type === 'changed') {
      refreshTray();
      void refreshAllowList();
    }
  });
  const stopAutoLock = startAutoLock({
    powerMonitor,
    lock: () => service.lock(),
    idleSeconds: prefs.idleLockMinutes * 60,
    onError: (err) => console.warn('auto-lock failed:', err instanceof Error ? err.message : String(err)),
  });

  app.on('second-instance', showWindow);
  app.on('activate', showWindow);
  // The owner keeps serving the proxy from the tray when the window closes.
  app.on('window-all-closed', () => undefined);
  let closing = false;
  app.on('before-quit', (event: { preventDefault(): void }) => {
    if (closing) return;
    closing = true;
    event.preventDefault();
    stopAutoLock();
    unsubscribe();
    disposeIpc();
    tray.destroy();
    // owner.close() closes the service, whose clipboard guard clears a copied token (SECURITY S5),
    // then the control socket and the owner lock.
    owner.close().finally(() => app.exit(0));
  });

  refreshTray();
  void refreshAllowList();
  showWindow();
}
