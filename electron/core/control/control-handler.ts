/** ControlHandler: what the owner process plugs into the control server (the service and its event stream). */
import type { ControlMethod } from '../../../shared/contract.ts';
import type { AppEvent } from '../../../shared/model.ts';

export interface ControlHandler {
  /** `params` have already passed `ARG_SCHEMAS[method]`: they are its parsed output (origins canonical, defaults filled). */
  call(method: ControlMethod, params: unknown[]): Promise<unknown>;
  subscribe(listener: (e: AppEvent) => void): () => void;
}
