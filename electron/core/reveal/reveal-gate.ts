/**
 * "Ask before revealing a token": when the desktop setting is on, every `token` / `copyToken` call that
 * arrives over the control socket or IPC waits for the user's answer in a dialog naming the caller.
 * Core owns the rule (once, 10 minutes, deny, one dialog at a time); the dialog is a port that
 * electron/main implements, so core never imports Electron. The daemon has no port and never asks.
 */
import { TokenwardenError } from '../base/errors.ts';

export const REVEAL_METHODS = ['token', 'copyToken'] as const;
export type RevealMethod = (typeof REVEAL_METHODS)[number];
export const REVEAL_GRANT_MS = 10 * 60 * 1000;

export interface RevealCaller {
  /** Shown to the user, e.g. `node (pid 4242: /usr/bin/node …/tokenwarden.js)` or `the Tokenwarden window`. */
  description: string;
  /** What a 10-minute grant is tied to: the same process (pid plus start time) or the window. */
  key: string;
}

export interface RevealRequest {
  method: RevealMethod;
  name: string;
  caller: RevealCaller;
}

export type RevealDecision = 'deny' | 'once' | 'ten-minutes';

/** The port: a native dialog in the desktop app; tests pass a fake. */
export interface RevealApprover {
  approveReveal(request: RevealRequest): Promise<RevealDecision>;
}

export interface RevealGateOptions {
  approver: RevealApprover;
  /** Read on every call, so turning the setting on or off takes effect at once. */
  enabled: () => boolean;
  now?: () => number;
}

export interface RevealGate {
  /** Resolves when the call may proceed; rejects with ERR_DENIED otherwise. */
  check(request: RevealRequest): Promise<void>;
}

export function isRevealMethod(method: unknown): method is RevealMethod {
  return typeof method === 'string' && (REVEAL_METHODS as readonly string[]).includes(method);
}

export function createRevealGate(options: RevealGateOptions): RevealGate {
  const now = options.now ?? Date.now;
  const grants = new Map<string, number>();
  // Dialogs are shown one at a time: ten parallel `tkw token` calls make one prompt per answer, and a
  // 10-minute grant given to the first covers the queued ones from the same caller.
  let queue: Promise<unknown> = Promise.resolve();
  const granted = (key: string): boolean => {
    const until = grants.get(key);
    if (until === undefined) return false;
    if (until > now()) return true;
    grants.delete(key);
    return false;
  };
  return {
    async check(request) {
      if (!options.enabled()) return;
      const key = `${request.caller.key}\u0000${request.name}`;
      if (granted(key)) return;
      const turn = queue.then(async () => {
        if (granted(key)) return 'once' as const;
        return options.approver.approveReveal(request).catch((): RevealDecision => 'deny');
      });
      queue = turn.catch(() => undefined);
      const decision = await turn;
      if (decision === 'ten-minutes') grants.set(key, now() + REVEAL_GRANT_MS);
      if (decision === 'deny') {
        throw new TokenwardenError('ERR_DENIED', `Revealing the token of "${request.name}" was denied in the desktop app.`);
      }
    },
  };
}
