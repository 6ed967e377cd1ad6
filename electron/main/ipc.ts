/**
 * Registers `tw:<method>` for every API_METHODS entry: the sender frame's origin first, then the argument
 * schema, then the confirmation gate (native dialogs), then the service (SECURITY E5).
 */
import { API_METHODS, EVENT_CHANNEL, ipcChannel, type TokenwardenApi } from '../../shared/contract.ts';
import type { AppEvent } from '../../shared/model.ts';
import { APP_ORIGIN, isAppUrl } from './app-origin.ts';
import { dispatchApiCall } from './ipc-dispatch.ts';
import { createIpcGate, type IpcGateDeps } from './ipc-gate.ts';
import type { IpcEnvelope } from '../../shared/contract.ts';

export interface IpcInvokeEvent {
  senderFrame: { url: string } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, payload: unknown): void;
}

export interface ServiceLike extends TokenwardenApi {
  onEvent(listener: (event: AppEvent) => void): () => void;
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike;
  service: ServiceLike;
  /** Where pushes go; a function because the window can be recreated. */
  targets: () => EventTarget[];
  appOrigin?: string;
  /** Native confirmation of commands and host changes; without it those calls fail ERR_CONFIRMATION_REQUIRED. */
  confirm?: IpcGateDeps['confirm'];
  /** "Ask before revealing a token" for copyToken. */
  reveal?: IpcGateDeps['reveal'];
}

const FOREIGN: IpcEnvelope = { ok: false, error: { code: 'ERR_FORBIDDEN', message: 'The caller is not the Tokenwarden window.' } };

/** Returns a disposer that removes every handler and the event subscription. */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const appOrigin = options.appOrigin ?? APP_ORIGIN;
  const gate = createIpcGate({ service: options.service, confirm: options.confirm, reveal: options.reveal });
  for (const method of API_METHODS) {
    options.ipcMain.handle(ipcChannel(method), async (event, ...args) => {
      // A frame from anywhere else (an iframe, a navigated page) gets nothing, even a schema error.
      if (!isAppUrl(event?.senderFrame?.url, appOrigin)) return FOREIGN;
      return dispatchApiCall(options.service, method, args, gate);
    });
  }
  const unsubscribe = options.service.onEvent((event) => {
    for (const target of options.targets()) {
      if (!target.isDestroyed()) target.send(EVENT_CHANNEL, event);
    }
  });
  return () => {
    unsubscribe();
    for (const method of API_METHODS) options.ipcMain.removeHandler(ipcChannel(method));
  };
}
