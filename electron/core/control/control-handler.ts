/** ControlHandler: what the owner process plugs into the control server (the service and its event stream). */
import type { ControlMethod } from '../../../shared/contract.ts';
import type { AppEvent } from '../../../shared/model.ts';
import type { RevealCaller } from '../reveal/reveal-gate.ts';

/** Who is calling, for gates that must name the caller ("Ask before revealing a token"). */
export interface CallContext {
  /** Resolved on first use per connection: naming the peer walks /proc, which only reveals need. */
  caller(): Promise<RevealCaller>;
  /** Aborted when the caller's connection closes, so a long call (an interactive login) stops with its caller. */
  readonly signal: AbortSignal;
}

export interface ControlHandler {
  /** `params` have already passed `ARG_SCHEMAS[method]`: they are its parsed output (origins canonical, defaults filled). */
  call(method: ControlMethod, params: unknown[], context: CallContext): Promise<unknown>;
  subscribe(listener: (e: AppEvent) => void): () => void;
}
