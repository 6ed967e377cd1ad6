/** Builds `window.tokenwarden` from API_METHODS: one named function per method plus `onEvent`, never raw ipcRenderer (SECURITY E5). */
import { API_METHODS, EVENT_CHANNEL, ipcChannel, type ApiMethod } from '../../shared/contract.ts';

export type Invoke = (channel: string, ...args: unknown[]) => Promise<unknown>;
export type Subscribe = (channel: string, listener: (payload: unknown) => void) => () => void;

export type Bridge = { readonly [M in ApiMethod]: (...args: unknown[]) => Promise<unknown> } & {
  readonly onEvent: (listener: (event: unknown) => void) => () => void;
};

export function buildBridge(invoke: Invoke, subscribe: Subscribe): Bridge {
  const bridge: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    // Each method closes over its own fixed channel: the page can never choose a channel name.
    const channel = ipcChannel(method);
    bridge[method] = (...args: unknown[]) => invoke(channel, ...args);
  }
  bridge.onEvent = (listener: (event: unknown) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onEvent needs a function');
    return subscribe(EVENT_CHANNEL, (payload) => listener(payload));
  };
  return Object.freeze(bridge) as Bridge;
}
