/**
 * What main checks between a renderer call's schema validation and the service (SECURITY E5, E9): changes
 * that run a command, move a token to other hosts, change the CA its hosts are verified against, lift a
 * policy limit or widen what the token can do (more scope, a looser Authorization policy, plain http, a new
 * gateway target, a token the window supplied) need a native confirmation. The dispatcher runs it for the
 * window's calls only, so a compromised renderer cannot skip it; the control socket (CLI) does not go
 * through here. Reading a token passes the owner's "Ask before revealing a token" gate, naming the window.
 */
import type { ApiMethod } from '../../shared/contract.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import type { RevealCaller } from '../core/reveal/reveal-gate.ts';
import { changeRequestFor, type ChangeRequest, type CurrentCredential } from './change-request.ts';

export interface IpcGateDeps {
  service: { get(name: string): Promise<CurrentCredential> };
  /** The native dialog; without one, every change that needs confirmation is refused (fail closed). */
  confirm?: { confirmChange(request: ChangeRequest): Promise<boolean> };
}

export type IpcGate = (method: ApiMethod, args: readonly unknown[]) => Promise<void>;

export const WINDOW_CALLER: RevealCaller = { description: 'the Tokenwarden window', key: 'ipc:window' };

export function createIpcGate(deps: IpcGateDeps): IpcGate {
  return async (method, args) => {
    // Only a credential that does not exist is left for the service to report; any other failure to read the
    // current state (locked, damaged) refuses, because the change could not be shown for confirmation.
    const current = (name: string) =>
      deps.service.get(name).catch((err: unknown) => {
        if ((err as { code?: unknown })?.code === 'ERR_NOT_FOUND') return null;
        throw err;
      });
    const request = await changeRequestFor(method, args, current);
    if (!request) return;
    // A dialog that fails to show counts as "not confirmed", never as "confirmed".
    const confirmed = deps.confirm ? await deps.confirm.confirmChange(request).catch(() => false) : false;
    if (!confirmed) {
      throw new TokenwardenError('ERR_CONFIRMATION_REQUIRED', `${refusedChange(request)} was not confirmed in the system dialog, so nothing changed.`);
    }
  };
}

/** The first (most serious) part of the change, named in the refusal; the dialog itself lists every part. */
function refusedChange(request: ChangeRequest): string {
  if (request.command) return 'Running this command';
  if (request.hosts) return request.hosts.added.length > 0 || request.hosts.removed.length > 0 ? 'Sending this token to other hosts' : 'Sending gateway requests to another host';
  if (request.upstreamCa) return 'Trusting a different certificate authority';
  if (request.token) return 'Replacing the token with one from the window';
  if (request.scope) return 'Asking the identity provider for more scope';
  if (request.authPolicy) return 'Loosening the Authorization policy';
  if (request.plainHttp) return 'Allowing plain http';
  return 'Loosening this access policy';
}
