/**
 * The native confirmation dialogs owned by main (SECURITY E5, E9, "Ask before revealing a token"). Electron's
 * `dialog` and the window come in as parameters, so tests drive them with fakes. Text a caller controls
 * (commands, names, process names, certificate subjects) is shown with control and bidi characters
 * escaped: a newline or a right-to-left override must not be able to hide part of a command from the
 * person approving it.
 */
import type { RevealDecision, RevealRequest } from '../core/reveal/reveal-gate.ts';
import { visible } from '../../shared/visible-text.ts';
import type { AuthPolicy, UpstreamCaCertificate } from '../../shared/model.ts';
import type { ChangeRequest } from './change-request.ts';

export interface MessageBoxOptionsLike {
  type: 'warning' | 'question';
  title: string;
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: boolean;
}

export interface DialogLike {
  showMessageBox(window: unknown, options: MessageBoxOptionsLike): Promise<{ response: number }>;
  showMessageBox(options: MessageBoxOptionsLike): Promise<{ response: number }>;
}

export interface ConfirmDialogDeps {
  dialog: DialogLike;
  /** The window the dialog is modal to, when there is one (the tray app may have none open). */
  window: () => unknown;
}

export interface ConfirmDialog {
  confirmChange(request: ChangeRequest): Promise<boolean>;
  approveReveal(request: RevealRequest): Promise<RevealDecision>;
}

export function changeDetail(request: ChangeRequest): string {
  const lines = [`Credential: ${visible(request.name)}`];
  if (request.command) {
    lines.push('', 'Command (runs as you whenever the token is refreshed):', `    ${visible(request.command.next)}`);
    if (request.command.previous !== null) lines.push('Replaces:', `    ${visible(request.command.previous)}`);
  }
  if (request.hosts) {
    lines.push('', 'Hosts the token will be sent to:');
    for (const host of request.hosts.added) lines.push(`  + ${visible(host)}`);
    for (const host of request.hosts.removed) lines.push(`  - ${visible(host)}`);
    for (const host of request.hosts.kept) lines.push(`    ${visible(host)}`);
    const gateway = request.hosts.gateway;
    if (gateway) lines.push(`Gateway requests (/${visible(request.name)}/…) then go to ${visible(gateway.next)} (was ${visible(gateway.previous)}).`);
  }
  if (request.upstreamCa) {
    lines.push('', 'Certificate authority the hosts\' servers may be signed by (a server it signed receives the token):');
    lines.push('  New:', ...caLines(request.upstreamCa.next));
    if (request.action === 'update') lines.push('  Replaces:', ...caLines(request.upstreamCa.previous));
  }
  if (request.policy) {
    lines.push('', 'Access policy: whoever holds a key for this credential may then do more:');
    for (const line of request.policy.loosened) lines.push(`  + ${visible(line)}`);
    lines.push(`  Before: ${visible(request.policy.before)}`, `  After:  ${visible(request.policy.after)}`);
  }
  lines.push(...widenedTokenLines(request));
  lines.push('', 'If you did not just ask for this in Tokenwarden, choose Cancel.');
  return lines.join('\n');
}

const AUTH_POLICY_TEXT: Record<AuthPolicy, string> = {
  reject: 'reject (such a request is refused)',
  passthrough: 'passthrough (it goes upstream with its own header)',
  force: 'force (it goes upstream with this token in place of its header)',
};

const scopeText = (scope: string | null): string => (scope ? visible(scope) : "none: the identity provider's default");

/** SECURITY E9: what the token itself may do after the change. */
function widenedTokenLines(request: ChangeRequest): string[] {
  const lines: string[] = [];
  if (request.scope) {
    lines.push('', 'OAuth scope asked of the identity provider at the next refresh or login:');
    for (const word of request.scope.added) lines.push(`  + ${visible(word)}`);
    if (request.scope.after === null) lines.push('  + whatever the identity provider grants by default');
    lines.push(`  Before: ${scopeText(request.scope.before)}`, `  After:  ${scopeText(request.scope.after)}`);
  }
  if (request.authPolicy) {
    lines.push('', 'A request that brings its own Authorization header:');
    lines.push(`  Before: ${AUTH_POLICY_TEXT[request.authPolicy.previous]}`, `  After:  ${AUTH_POLICY_TEXT[request.authPolicy.next]}`);
  }
  if (request.plainHttp) {
    lines.push('', 'Plain http (unencrypted) allowed to loopback hosts and a loopback identity provider:');
    if (request.plainHttp.hosts.length === 0) lines.push('    no plain-http host is bound yet');
    for (const host of request.plainHttp.hosts) lines.push(`    ${visible(host)}`);
  }
  if (request.token) {
    const tail = (t: string | null) => (t ? `…${visible(t)}` : 'too short to show any of it');
    lines.push('', 'A replacement token supplied by the window (only its end is shown):', `  New:      ${tail(request.token.tail)}`, `  Replaces: ${tail(request.token.previousTail)}`);
    lines.push('Requests would then act as whoever this token belongs to.');
  }
  return lines;
}

/** Subject and full fingerprint, so what is approved can be checked against `openssl x509 -fingerprint -sha256`. */
function caLines(certificates: UpstreamCaCertificate[] | null): string[] {
  if (certificates === null) return ["    none: only the system's certificate authorities"];
  return certificates.flatMap((cert) => [`    ${visible(cert.subject)}`, `      SHA256 ${visible(cert.fingerprint)}`]);
}

const VERB: Record<ChangeRequest['action'], string> = { add: 'Add', update: 'Change', rotate: 'Replace' };

function changeMessage(request: ChangeRequest): string {
  const verb = VERB[request.action];
  const name = visible(request.name);
  const parts = [
    request.command && 'command',
    request.hosts && 'hosts',
    request.upstreamCa && 'certificate authority',
    request.policy && 'access policy',
    request.token && 'token',
    request.scope && 'OAuth scope',
    request.authPolicy && 'Authorization policy',
    request.plainHttp && 'plain-http consent',
  ].filter(Boolean);
  if (parts.length > 1) return `${verb} the ${parts.slice(0, -1).join(', ')} and ${parts.at(-1)} of "${name}"?`;
  if (request.command) return `${verb} the command of "${name}"?`;
  // Names are slugs (no quotes or spaces), so the possessive reads plainly.
  if (request.upstreamCa) return `Trust a different certificate authority for ${name}'s hosts?`;
  if (request.policy) return `Loosen the access policy of "${name}"?`;
  if (request.token) return `Replace the token of "${name}" with one the window supplied?`;
  if (request.scope) return `Ask for more OAuth scope for "${name}"?`;
  if (request.authPolicy) return `Loosen the Authorization policy of "${name}"?`;
  if (request.plainHttp) return `Allow plain http for "${name}"?`;
  if (request.hosts && request.hosts.added.length === 0 && request.hosts.removed.length === 0) return `Change where gateway requests for "${name}" go?`;
  return `Change the hosts "${name}" is sent to?`;
}

export const REVEAL_BUTTONS = ['Deny', 'Allow once', 'Allow for 10 minutes'] as const;
const REVEAL_DECISIONS: readonly RevealDecision[] = ['deny', 'once', 'ten-minutes'];

export function createConfirmDialog(deps: ConfirmDialogDeps): ConfirmDialog {
  const show = (options: MessageBoxOptionsLike): Promise<{ response: number }> => {
    const window = deps.window();
    return window ? deps.dialog.showMessageBox(window, options) : deps.dialog.showMessageBox(options);
  };
  return {
    async confirmChange(request) {
      const { response } = await show({
        type: 'warning',
        title: 'Tokenwarden: confirm a change',
        message: changeMessage(request),
        detail: changeDetail(request),
        buttons: ['Cancel', VERB[request.action]],
        // Enter and Escape both cancel: approving takes a deliberate click.
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return response === 1;
    },
    async approveReveal(request) {
      const what = request.method === 'copyToken' ? 'copy the token of' : 'read the token of';
      const { response } = await show({
        type: 'question',
        title: 'Tokenwarden: reveal a token?',
        message: `Allow ${visible(request.caller.description)} to ${what} "${visible(request.name)}"?`,
        detail: 'You turned on "Ask before revealing a token". Allowing for 10 minutes covers this program and this credential only.',
        buttons: [...REVEAL_BUTTONS],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      });
      return REVEAL_DECISIONS[response] ?? 'deny';
    },
  };
}
