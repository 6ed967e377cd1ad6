/** Preload glue: exposes the bridge through contextBridge; runs sandboxed, so it imports only electron and shared/. */
import { contextBridge, ipcRenderer } from 'electron';
import { buildBridge } from './bridge.ts';

const bridge = buildBridge(
  (channel, ...args) => ipcRenderer.invoke(channel, ...args),
  (channel, listener) => {
    // Strip the IpcRendererEvent: it carries `sender`, which would hand the page ipcRenderer itself.
    const wrapped = (_event: unknown, payload: unknown): void => listener(payload);
    ipcRenderer.on(channel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
);

contextBridge.exposeInMainWorld('tokenwarden', bridge);
