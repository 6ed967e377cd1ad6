/**
 * Registers `tw:<method>` for every API_METHODS entry: the sender frame's origin first, then the owner's
 * dispatcher (argument schema, reveal gate, the confirmation gate's native dialogs, the service, audit) (SECURITY E5).
 */
import { API_METHODS, EVENT_CHANNEL, ipcChannel, type TokenwardenApi } from '../../shared/contract.ts';
import type { AppEvent } from '../../shared/model.ts';
import { APP_ORIGIN, isAppUrl } from './app-origin.ts';
import type { Dispatcher } from '../core/dispatch.ts';
import { dispatchWindowCall } from './ipc-dispatch.ts';
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

/** What the handler reads itself: the current credential for the confirmation dialog, and the pushes. */
export interface ServiceLike extends Pick<TokenwardenApi, 'get'> {
  onEvent(listener: (event: AppEvent) => void): () => void;
}

export interface RegisterIpcOptions {
  ipcMain: IpcMainLike;
  service: ServiceLike;
  /** The owner's dispatcher, so the window's calls are validated, gated and audited like the socket's. */
  dispatcher: Pick<Dispatcher, 'call'>;
  /** Where pushes go; a function because the window can be recreated. */
  targets: () => EventTarget[];
  appOrigin?: string;
  /** Native confirmation of commands and host changes; without it those calls fail ERR_CONFIRMATION_REQUIRED. */
  confirm?: IpcGateDeps['confirm'];
}

const FOREIGN: IpcEnvelope = { ok: false, error: { code: 'ERR_FORBIDDEN', message: 'The caller is not the Tokenwarden window.' } };

/** Returns a disposer that removes every handler and the event subscription. */
export function registerIpc(options: RegisterIpcOptions): () => void {
  const appOrigin = options.appOrigin ?? APP_ORIGIN;
  const gate = createIpcGate({ service: options.service, confirm: options.confirm });
  for (const method of API_METHODS) {
    options.ipcMain.handle(ipcChannel(method), async (event, ...args) => {
      // A frame from anywhere else (an iframe, a navigated page) gets nothing, even a schema error.
      if (!isAppUrl(event?.senderFrame?.url, appOrigin)) return FOREIGN;
      return dispatchWindowCall(options.dispatcher, method, args, gate);
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
