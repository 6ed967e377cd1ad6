/** createControlApi: the typed contract (`ControlApi`) bound to a control client, generated from the method lists. */
import { API_METHODS, CONTROL_ONLY_METHODS, type ControlApi, type ControlMethod } from '../../../shared/contract.ts';
import type { ControlClient } from './control-client.ts';

export const CONTROL_METHODS: readonly ControlMethod[] = [...API_METHODS, ...CONTROL_ONLY_METHODS];

export function createControlApi(client: ControlClient): ControlApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of CONTROL_METHODS) {
    api[method] = (...args: unknown[]) => client.call(method, args);
  }
  return Object.freeze(api) as unknown as ControlApi;
}
