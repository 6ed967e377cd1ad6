/** ControlHandler: what the owner process plugs into the control server (its dispatcher and event stream). */
import type { CallOutcome, ControlMethod } from '../../../shared/contract.ts';
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
  /** A call of a known method with its params as they arrived; the owner's dispatcher validates them (core/dispatch.ts). */
  call(method: ControlMethod, params: unknown, context: CallContext): Promise<CallOutcome>;
  subscribe(listener: (e: AppEvent) => void): () => void;
}
