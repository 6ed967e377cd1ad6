import { describe, expect, it, vi } from 'vitest';
import {
  createMainWindow,
  hardenSession,
  hardenWebContents,
  secureWebPreferences,
  type BrowserWindowCtor,
  type HardenableContents,
  type NavigationEvent,
} from '../../../../electron/main/window.ts';

type Listener = (event: NavigationEvent, url?: string) => void;

function fakeContents() {
  const listeners = new Map<string, Listener[]>();
  let openHandler: ((d: { url: string }) => { action: string }) | undefined;
  const contents = {
    on(event: string, listener: Listener) {
      listeners.set(event, [...(listeners.get(event) ?? []), listener]);
      return contents;
    },
    setWindowOpenHandler(handler: (d: { url: string }) => { action: 'deny' }) {
      openHandler = handler;
    },
  };
  const emit = (event: string, url?: string) => {
    let prevented = false;
    for (const l of listeners.get(event) ?? []) l({ preventDefault: () => (prevented = true) }, url);
    return prevented;
  };
  return { contents: contents as unknown as HardenableContents, emit, open: (url: string) => openHandler?.({ url }) };
}

describe('window hardening', () => {
  it('E1 webPreferences isolate, sandbox and disable node integration', () => {
    const prefs = secureWebPreferences('/app/dist/preload/index.cjs');
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      webviewTag: false,
      allowRunningInsecureContent: false,
      preload: '/app/dist/preload/index.cjs',
    });
  });

  it('E4 will-navigate is denied for any origin but the app, including lookalikes and file:', () => {
    const external: string[] = [];
    const { contents, emit } = fakeContents();
    hardenWebContents(contents, { onExternalRequest: (u) => external.push(u) });
    expect(emit('will-navigate', 'app://bundle/index.html#/detail')).toBe(false);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://bundle.evil/x', 'app://evil/index.html', 'app://user@bundle/']) {
      expect(emit('will-navigate', url), url).toBe(true);
      expect(emit('will-redirect', url), url).toBe(true);
    }
    expect(external).toContain('https://evil.example/');
  });

  it('E4 window.open is always denied and <webview> is never attached', () => {
    const { contents, emit, open } = fakeContents();
    hardenWebContents(contents);
    expect(open('https://accounts.example.com/')).toEqual({ action: 'deny' });
    expect(open('app://bundle/index.html')).toEqual({ action: 'deny' });
    expect(emit('will-attach-webview')).toBe(true);
  });

  it('E4 permission request and check handlers deny everything', () => {
    let request: ((c: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    let check: ((c: unknown, p: string) => boolean) | null = null;
    hardenSession({
      setPermissionRequestHandler: (h) => (request = h),
      setPermissionCheckHandler: (h) => (check = h),
    });
    for (const permission of ['notifications', 'media', 'geolocation', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      request!(null, permission, cb);
      expect(cb).toHaveBeenCalledWith(false);
      expect(check!(null, permission)).toBe(false);
    }
  });

  it('E1 E2 createMainWindow passes the secure preferences and loads app://, never file://', () => {
    const created: { options: Record<string, unknown>; loaded: string[] }[] = [];
    const { contents } = fakeContents();
    class FakeWindow {
      loaded: string[] = [];
      webContents = Object.assign(contents, { session: { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() } });
      constructor(options: Record<string, unknown>) {
        created.push({ options, loaded: this.loaded });
      }
      once() {}
      show() {}
      loadURL(url: string) {
        this.loaded.push(url);
        return Promise.resolve();
      }
    }
    createMainWindow({ BrowserWindow: FakeWindow as unknown as BrowserWindowCtor, preloadPath: '/p.cjs' });
    expect(created).toHaveLength(1);
    expect(created[0]!.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(created[0]!.loaded).toEqual(['app://bundle/index.html']);
    expect(FakeWindow.prototype).toBeDefined();
  });
});
