/** The one BrowserWindow and its hardening: isolated, sandboxed, no navigation, no popups, no permissions (SECURITY E1, E4). */
import type { BrowserWindow, BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { APP_ENTRY_URL, APP_ORIGIN, isAppUrl } from './app-origin.ts';

/** The webPreferences every window gets; E1 in one place so a test can assert it. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  };
}

export interface NavigationEvent {
  preventDefault(): void;
}

/** The slice of WebContents this module touches, so tests can pass a fake. */
export interface HardenableContents {
  on(event: 'will-navigate' | 'will-redirect', listener: (event: NavigationEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: NavigationEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void;
type PermissionCheckHandler = (contents: unknown, permission: string) => boolean;

export interface HardenableSession {
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void;
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void;
}

export interface HardenOptions {
  appOrigin?: string;
  /** Called with denied top-level navigations and window.open URLs; main routes them to the https allow-list. */
  onExternalRequest?: (url: string) => void;
}

/** E4: navigation stays on the app origin; window.open and <webview> are always denied. */
export function hardenWebContents(contents: HardenableContents, options: HardenOptions = {}): void {
  const appOrigin = options.appOrigin ?? APP_ORIGIN;
  const guard = (event: NavigationEvent, url: string): void => {
    if (isAppUrl(url, appOrigin)) return;
    event.preventDefault();
    options.onExternalRequest?.(url);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    options.onExternalRequest?.(url);
    return { action: 'deny' };
  });
}

/** E4: every permission request and check is denied; the app needs none (notifications go through main). */
export function hardenSession(session: HardenableSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}

export type BrowserWindowCtor = new (options: BrowserWindowConstructorOptions) => BrowserWindow;

export interface CreateWindowOptions extends HardenOptions {
  BrowserWindow: BrowserWindowCtor;
  preloadPath: string;
  entryUrl?: string;
  iconPath?: string;
  /** Matches the renderer's theme background so the window does not flash the wrong colour. */
  backgroundColor?: string;
}

/** Creates the main window, hardened before anything loads. */
export function createMainWindow(options: CreateWindowOptions): BrowserWindow {
  const win = new options.BrowserWindow({
    width: 1200,
    height: 780,
    minWidth: 760,
    minHeight: 520,
    show: false,
    title: 'Tokenwarden',
    backgroundColor: options.backgroundColor ?? '#f6f7f9',
    ...(options.iconPath ? { icon: options.iconPath } : {}),
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  hardenWebContents(win.webContents as unknown as HardenableContents, options);
  hardenSession(win.webContents.session as unknown as HardenableSession);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.entryUrl ?? APP_ENTRY_URL);
  return win;
}
