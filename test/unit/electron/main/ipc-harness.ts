/**
 * main's real IPC registration (registerIpc) and the owner's real dispatcher over a recording fake service, so
 * the confirmation gate is called exactly as main's handler calls it: origin check, argument schema, gate, then
 * the service (E5, E9).
 */
import { API_METHODS, type TokenwardenApi } from '../../../../shared/contract.ts';
import type { AppEvent } from '../../../../shared/model.ts';
import type { CurrentCredential } from '../../../../electron/main/change-request.ts';
import { Dispatcher } from '../../../../electron/core/dispatch.ts';
import type { RevealGate } from '../../../../electron/core/reveal/reveal-gate.ts';
import { registerIpc, type IpcInvokeEvent, type RegisterIpcOptions, type ServiceLike } from '../../../../electron/main/ipc.ts';

type Handler = (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>;
const APP = { senderFrame: { url: 'app://bundle/index.html' } };

export interface IpcHarness {
  /** Invokes `tw:<method>` from the app's own frame, as the preload does. */
  call(method: string, ...args: unknown[]): Promise<unknown>;
  calls: { method: string; args: unknown[] }[];
  /** The calls that reached the service, apart from the gate's own reads (`get`). */
  mutations(): { method: string; args: unknown[] }[];
}

/** `existing` is read at call time, so a test may add to it later; `damaged` reads fail ERR_CORRUPT. */
/** main's confirmation dialog, and the owner's reveal gate (which the dispatcher runs). */
export type GateOptions = Pick<RegisterIpcOptions, 'confirm'> & { reveal?: RevealGate };

export function setupIpc(existing: Record<string, CurrentCredential>, gate: GateOptions): IpcHarness {
  const handlers = new Map<string, Handler>();
  const calls: { method: string; args: unknown[] }[] = [];
  const api: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    api[method] = async (...args: unknown[]) => {
      calls.push({ method, args });
      if (method === 'get') {
        if (args[0] === 'damaged') throw Object.assign(new Error('damaged'), { code: 'ERR_CORRUPT' });
        const found = existing[args[0] as string];
        if (!found) throw Object.assign(new Error('nope'), { code: 'ERR_NOT_FOUND' });
        return found;
      }
      return { method };
    };
  }
  api.onEvent = (_l: (e: AppEvent) => void) => () => undefined;
  const service = api as unknown as ServiceLike & TokenwardenApi;
  registerIpc({
    ipcMain: { handle: (c, h) => handlers.set(c, h), removeHandler: (c) => handlers.delete(c) },
    service,
    dispatcher: new Dispatcher({ service, ...(gate.reveal ? { reveal: gate.reveal } : {}) }),
    targets: () => [],
    ...(gate.confirm ? { confirm: gate.confirm } : {}),
  });
  const call = (method: string, ...args: unknown[]) => handlers.get(`tw:${method}`)!(APP, ...args);
  const mutations = () => calls.filter((c) => c.method !== 'get');
  return { call, calls, mutations };
}
