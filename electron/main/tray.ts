/** The tray icon: lock/unlock, proxy status and "open window", rebuilt whenever the vault state changes. */
import type { MenuItemConstructorOptions } from 'electron';
import type { VaultStatus } from '../../shared/model.ts';

export interface TrayLike {
  setToolTip(text: string): void;
  setContextMenu(menu: unknown): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export interface TrayDeps {
  createTray: () => TrayLike;
  buildMenu: (template: MenuItemConstructorOptions[]) => unknown;
  showWindow: () => void;
  lock: () => Promise<unknown>;
  /** Unlocking needs the passphrase or OS keyslot; the window's lock screen asks for it. */
  requestUnlock: () => void;
  quit: () => void;
  /**
   * "Ask before revealing a token" lives in the tray, not in the window: main draws it, so a compromised
   * renderer cannot turn it off.
   */
  askBeforeReveal?: { enabled(): boolean; toggle(): void };
}

/** The menu as data, so a test can read labels and click handlers without Electron. */
export function trayTemplate(status: VaultStatus | null, deps: Omit<TrayDeps, 'createTray' | 'buildMenu'>): MenuItemConstructorOptions[] {
  const locked = status?.locked ?? true;
  const proxy = status?.proxy ? `Proxy: ${status.proxy.url}` : 'Proxy: not running';
  return [
    { label: 'Open Tokenwarden', click: () => deps.showWindow() },
    { type: 'separator' },
    { label: locked ? 'Vault: locked' : `Vault: unlocked (${status?.credentialCount ?? 0} credentials)`, enabled: false },
    { label: proxy, enabled: false },
    { type: 'separator' },
    locked
      ? { label: 'Unlock…', click: () => deps.requestUnlock() }
      : { label: 'Lock now', click: () => void deps.lock().catch(() => undefined) },
    { type: 'separator' },
    ...(deps.askBeforeReveal
      ? [
          { label: 'Ask before revealing a token', type: 'checkbox', checked: deps.askBeforeReveal.enabled(), click: () => deps.askBeforeReveal?.toggle() },
          { type: 'separator' },
        ] satisfies MenuItemConstructorOptions[]
      : []),
    { label: 'Quit', click: () => deps.quit() },
  ];
}

export interface TrayController {
  update(status: VaultStatus | null): void;
  destroy(): void;
}

export function createTrayController(deps: TrayDeps): TrayController {
  const tray = deps.createTray();
  tray.on('click', () => deps.showWindow());
  const update = (status: VaultStatus | null): void => {
    tray.setToolTip(status?.locked === false ? 'Tokenwarden (unlocked)' : 'Tokenwarden (locked)');
    tray.setContextMenu(deps.buildMenu(trayTemplate(status, deps)));
  };
  update(null);
  return { update, destroy: () => tray.destroy() };
}
