/** One call from the window through the owner's dispatcher, answered as an envelope; never a raw throw (SECURITY E5). */
import type { IpcEnvelope } from '../../shared/contract.ts';
import type { Dispatcher } from '../core/dispatch.ts';
import { WINDOW_CALLER, type IpcGate } from './ipc-gate.ts';

export async function dispatchWindowCall(dispatcher: Pick<Dispatcher, 'call'>, method: unknown, args: unknown, gate?: IpcGate): Promise<IpcEnvelope> {
  const outcome = await dispatcher.call(method, Array.isArray(args) ? args : [args], { methods: 'api', caller: async () => WINDOW_CALLER, ...(gate ? { confirm: gate } : {}) });
  // Electron strips custom fields from thrown errors, so a failure travels as a value.
  return outcome.ok ? { ok: true, value: outcome.value === undefined ? null : outcome.value } : { ok: false, error: outcome.error };
}
