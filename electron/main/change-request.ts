/**
 * Which renderer calls need the user's say-so in a native dialog (SECURITY E5): creating or changing an
 * exec command (it runs as the user inside the owner), any change to a credential's bound hosts (it decides
 * where the token is sent) and any change to its private upstream CA (it decides which servers can pass for
 * those hosts, so a CA the attacker holds receives the token as surely as a new host would), any policy
 * change that lifts a limit (policy-loosening.ts), and what widens the token itself (E9, token-widening.ts):
 * more OAuth scope, a looser Authorization policy, plain http, a new gateway target (the first host), and a
 * rotate to a token the window supplied. Pure, so the rule is tested without Electron.
 */
import type { ApiMethod } from '../../shared/contract.ts';
import type { AuthPolicy, UpstreamCaCertificate } from '../../shared/model.ts';
import { describePolicy, type Policy } from '../../shared/policy.ts';
import { checkUpstreamCa } from '../core/credentials/upstream-ca.ts';
import { policyLoosening } from './policy-loosening.ts';
import {
  authPolicyWidening,
  plainHttpWidening,
  scopeWidening,
  tokenReplacement,
  type AuthPolicyWidening,
  type PlainHttpWidening,
  type ScopeWidening,
  type TokenReplacement,
} from './token-widening.ts';

export interface HostDiff {
  added: string[];
  removed: string[];
  kept: string[];
  /** Set when the first host changes: gateway requests (`/NAME/…`) go to it, with the token. */
  gateway?: { next: string; previous: string };
}

export interface ChangeRequest {
  action: 'add' | 'update' | 'rotate';
  name: string;
  /** The exact command that will run, and the one it replaces (null for a new credential). */
  command?: { next: string; previous: string | null };
  hosts?: HostDiff;
  /** The certificates the hosts' servers may be signed by, after and before; null = the default roots only. */
  upstreamCa?: { next: UpstreamCaCertificate[] | null; previous: UpstreamCaCertificate[] | null };
  /** A policy change that allows more: what it lifts, and the whole policy before and after. */
  policy?: { loosened: string[]; before: string; after: string };
  scope?: ScopeWidening;
  authPolicy?: AuthPolicyWidening;
  plainHttp?: PlainHttpWidening;
  token?: TokenReplacement;
}

/** The slice of a credential needed to compute the diff (CredentialDetail has both). */
export interface CurrentCredential {
  hosts: string[];
  exec: { command: string } | null;
  /** Absent counts as none (null). */
  upstreamCa?: UpstreamCaCertificate[] | null;
  policy?: Policy;
  /**
   * E9's fields, as CredentialDetail has them. Absent reads as the strictest value (no scope, reject, no http),
   * so a caller that leaves one out gets a dialog, never a silent widening.
   */
  authPolicy?: AuthPolicy;
  allowInsecureLoopback?: boolean;
  /** null = not an OAuth credential, whose scope the service ignores. */
  oauth?: { scope: string | null } | null;
  tokenTail?: string | null;
}

/** Same certificates in the same order: a reordered or extended bundle is a change worth showing. */
function sameCertificates(a: UpstreamCaCertificate[] | null, b: UpstreamCaCertificate[] | null): boolean {
  const prints = (list: UpstreamCaCertificate[] | null) => list?.map((c) => c.fingerprint).join(' ') ?? null;
  return prints(a) === prints(b);
}

export function diffHosts(previous: readonly string[], next: readonly string[]): HostDiff {
  return {
    added: next.filter((h) => !previous.includes(h)),
    removed: previous.filter((h) => !next.includes(h)),
    kept: next.filter((h) => previous.includes(h)),
  };
}

/**
 * `args` are the schema-parsed arguments (origins already canonical), so the diff compares what will be
 * stored. `current` is only called for `update`, `setPolicy` and a `rotate` that carries a token; a missing
 * credential is left for the service to report.
 */
export async function changeRequestFor(
  method: ApiMethod,
  args: readonly unknown[],
  current: (name: string) => Promise<CurrentCredential | null>,
): Promise<ChangeRequest | null> {
  if (method === 'add') {
    const input = args[0] as { kind: string; name: string; hosts: string[]; command?: string; upstreamCa?: string };
    if (input.kind !== 'exec' || input.command === undefined) return null;
    return {
      action: 'add',
      name: input.name,
      command: { next: input.command, previous: null },
      hosts: diffHosts([], input.hosts),
      // The exec add is confirmed anyway; a CA it brings is named in the same dialog.
      ...(input.upstreamCa ? { upstreamCa: { next: checkUpstreamCa(input.upstreamCa), previous: null } } : {}),
    };
  }
  if (method === 'setPolicy') return policyChange(args[0] as string, args[1] as Policy | null, current);
  if (method === 'rotate') return rotateChange(args[0] as string, args[1] as { token?: string } | undefined, current);
  if (method !== 'update') return null;
  const name = args[0] as string;
  const patch = args[1] as UpdateFields;
  if (GATED_FIELDS.every((field) => patch[field] === undefined)) return null;
  // Parsed before the dialog: a PEM the service would refuse is refused now (ERR_INVALID_INPUT), not confirmed first.
  const nextCa = patch.upstreamCa === undefined || patch.upstreamCa === null ? null : checkUpstreamCa(patch.upstreamCa);
  const record = await current(name);
  if (!record) return null;
  const request: ChangeRequest = { action: 'update', name };
  // The service ignores a command for a credential that is not exec, so there is nothing to confirm.
  if (patch.command !== undefined && record.exec && patch.command !== record.exec.command) {
    request.command = { next: patch.command, previous: record.exec.command };
  }
  if (patch.hosts !== undefined) {
    const diff = diffHosts(record.hosts, patch.hosts);
    const [previousFirst, nextFirst] = [record.hosts[0], patch.hosts[0]];
    if (previousFirst !== undefined && nextFirst !== undefined && previousFirst !== nextFirst) diff.gateway = { next: nextFirst, previous: previousFirst };
    if (diff.added.length > 0 || diff.removed.length > 0 || diff.gateway) request.hosts = diff;
  }
  if (patch.upstreamCa !== undefined) {
    const previous = record.upstreamCa ?? null;
    if (!sameCertificates(previous, nextCa)) request.upstreamCa = { next: nextCa, previous };
  }
  Object.assign(request, tokenWidenings(record, patch));
  return request.command || request.hosts || request.upstreamCa || request.scope || request.authPolicy || request.plainHttp ? request : null;
}

interface UpdateFields {
  hosts?: string[];
  command?: string;
  upstreamCa?: string | null;
  scope?: string;
  authPolicy?: AuthPolicy;
  allowInsecureLoopback?: boolean;
}

/** The patch fields that can need a dialog; a patch without any passes without reading the credential. */
const GATED_FIELDS: readonly (keyof UpdateFields)[] = ['hosts', 'command', 'upstreamCa', 'scope', 'authPolicy', 'allowInsecureLoopback'];

function tokenWidenings(record: CurrentCredential, patch: UpdateFields): Pick<ChangeRequest, 'scope' | 'authPolicy' | 'plainHttp'> {
  const out: Pick<ChangeRequest, 'scope' | 'authPolicy' | 'plainHttp'> = {};
  // The service ignores a scope for a credential that is not OAuth (oauth: null), so there is nothing to confirm.
  const scope = patch.scope === undefined || record.oauth === null ? undefined : scopeWidening(record.oauth?.scope ?? null, patch.scope);
  if (scope) out.scope = scope;
  const authPolicy = patch.authPolicy === undefined ? undefined : authPolicyWidening(record.authPolicy ?? 'reject', patch.authPolicy);
  if (authPolicy) out.authPolicy = authPolicy;
  const http = patch.allowInsecureLoopback === undefined ? undefined : plainHttpWidening(record.allowInsecureLoopback ?? false, patch.allowInsecureLoopback, patch.hosts ?? record.hosts);
  if (http) out.plainHttp = http;
  return out;
}

/** Whatever the kind: the dialog is cheap, and a token the window picked must never be stored unseen. */
async function rotateChange(name: string, input: { token?: string } | undefined, current: (name: string) => Promise<CurrentCredential | null>): Promise<ChangeRequest | null> {
  if (input?.token === undefined) return null;
  const record = await current(name);
  if (!record) return null;
  return { action: 'rotate', name, token: tokenReplacement(input.token, record.tokenTail ?? null) };
}

/** Tightening is the user's to do freely; only a change that lifts a limit is shown for confirmation. */
async function policyChange(name: string, next: Policy | null, current: (name: string) => Promise<CurrentCredential | null>): Promise<ChangeRequest | null> {
  const record = await current(name);
  const loosened = policyLoosening(record?.policy, next);
  if (loosened.length === 0) return null;
  return { action: 'update', name, policy: { loosened, before: describePolicy(record?.policy), after: describePolicy(next) } };
}
