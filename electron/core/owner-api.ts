/**
 * The contract in-process: what a face inside the owner process calls (the CLI with no owner running, `tkw mcp`
 * as the owner, the app's tray and auto-lock), bound through the same dispatcher as IPC and the control socket,
 * so those calls are validated and audited alike.
 */
import type { AccessKeyInput, ControlApi } from '../../shared/contract.ts';
import type { AccessKeyCreated, AppEvent, CredentialSummary } from '../../shared/model.ts';
import { CONTROL_METHODS } from './control/control-api.ts';
import type { CallContext, Dispatcher } from './dispatch.ts';
import type { RevealCaller } from './reveal/reveal-gate.ts';

export interface OwnerApi extends ControlApi {
  /** `options.signal` comes from the caller's side (Ctrl-C in the CLI). */
  login(name: string, options?: { signal?: AbortSignal }): Promise<CredentialSummary>;
  /** `options.connection`: the caller's connection, which a `whileConnected` key lives no longer than. */
  createAccessKey(input: AccessKeyInput, options?: { connection?: AbortSignal }): Promise<AccessKeyCreated>;
  onEvent(listener: (event: AppEvent) => void): () => void;
  /** Flushes and closes the service (clipboard cleared, proxy stopped, audit committed). */
  close(): Promise<void>;
}

const IN_PROCESS: RevealCaller = { description: 'this Tokenwarden process', key: 'in-process' };

export function bindOwnerApi(dispatcher: Dispatcher, owner: Pick<OwnerApi, 'onEvent' | 'close'>): OwnerApi {
  const context = (extra: Pick<CallContext, 'signal' | 'connection'> = {}): CallContext => ({ methods: 'control', caller: async () => IN_PROCESS, ...extra });
  const api: Record<string, unknown> = {};
  for (const method of CONTROL_METHODS) api[method] = (...args: unknown[]) => dispatcher.invoke(method, args, context());
  api.login = (name: string, options: { signal?: AbortSignal } = {}) => dispatcher.invoke('login', [name], context(options.signal ? { signal: options.signal } : {}));
  api.createAccessKey = (input: AccessKeyInput, options: { connection?: AbortSignal } = {}) =>
    dispatcher.invoke('createAccessKey', [input], context(options.connection ? { connection: options.connection } : {}));
  api.onEvent = (listener: (event: AppEvent) => void) => owner.onEvent(listener);
  api.close = () => owner.close();
  return Object.freeze(api) as unknown as OwnerApi;
}
