/**
 * decide: the pure admission rule shared by gateway, forward and CONNECT (SECURITY A1, A3). It reads a snapshot of
 * the credential's and the key's state and answers allow or a refusal that names the rule. A key's checks only ever
 * add to the credential's, so a key can narrow a policy and never widen it.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import type { AccessKeyStatus } from '../../../shared/model.ts';
import { normalisePath, pathAllowed, type NormalisedPath, type PathProblem } from './path-pattern.ts';
import type { CompiledPolicy } from './policy.ts';

export interface DecideRequest {
  method: string;
  /** Origin-form target as sent upstream (path and query). */
  target: string;
}

export interface CredentialView {
  name: string;
  policy: CompiledPolicy | undefined;
  /** Uses left under maxUses; null = unlimited. */
  usesLeft: number | null;
  /** Milliseconds until the credential's bucket has a token (0 = now, or no rate rule). */
  rateWaitMs: number;
}

export interface KeyView {
  id: string;
  for: readonly string[];
  status: AccessKeyStatus;
  policy: CompiledPolicy | undefined;
  usesLeft: number | null;
  rateWaitMs: number;
}

export type Rule = 'key' | 'scope' | 'methods' | 'paths' | 'rate' | 'uses' | 'concurrency';

export interface Refusal {
  allow: false;
  code: ErrorCode;
  rule: Rule;
  message: string;
  /** For 429: whole seconds until a retry can succeed. */
  retryAfterSeconds?: number;
}

export type Decision = { allow: true } | Refusal;

export const ALLOW: Decision = Object.freeze({ allow: true });

const KEY_DEAD: Record<Exclude<AccessKeyStatus, 'active'>, { code: ErrorCode; text: string }> = {
  expired: { code: 'ERR_KEY_EXPIRED', text: 'has expired' },
  'used-up': { code: 'ERR_KEY_USED_UP', text: 'has no uses left' },
  revoked: { code: 'ERR_KEY_REVOKED', text: 'was revoked' },
};

const PATH_PROBLEM: Record<PathProblem, string> = {
  encoding: 'has invalid percent-encoding',
  ambiguous: 'has a fragment or a double-encoded dot, slash or backslash',
  'dot-segment': 'has ".", ".." or dots-only segments, or a look-alike of a dot or slash',
  control: 'has control characters',
};

function refuse(code: ErrorCode, rule: Rule, message: string, retryAfterSeconds?: number): Refusal {
  return retryAfterSeconds === undefined ? { allow: false, code, rule, message } : { allow: false, code, rule, message, retryAfterSeconds };
}

/** The status a key has at `now`; revoked wins over used-up wins over expired. */
export function keyStatus(key: { revokedAt: string | null; usesLeft: number | null; expiresAt: string | null }, now: number): AccessKeyStatus {
  if (key.revokedAt) return 'revoked';
  if (key.usesLeft !== null && key.usesLeft <= 0) return 'used-up';
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return 'expired';
  return 'active';
}

export function decide(request: DecideRequest, credential: CredentialView, key?: KeyView): Decision {
  if (key) {
    if (key.status !== 'active') {
      const dead = KEY_DEAD[key.status];
      return refuse(dead.code, 'key', `Access key ${key.id} ${dead.text}.`);
    }
    if (!key.for.includes(credential.name)) {
      return refuse('ERR_KEY_SCOPE', 'scope', `Access key ${key.id} is not for credential "${credential.name}" (rule: scope).`);
    }
  }
  const method = request.method.toUpperCase();
  const cred = credential.policy;
  if (cred?.methods && !cred.methods.has(method)) {
    return refuse('ERR_POLICY', 'methods', `Credential "${credential.name}" allows only ${[...cred.methods].join(', ')} (rule: methods).`);
  }
  if (key?.policy?.methods && !key.policy.methods.has(method)) {
    return refuse('ERR_KEY_SCOPE', 'methods', `Access key ${key.id} allows only ${[...key.policy.methods].join(', ')} (rule: methods).`);
  }
  if (cred?.paths || key?.policy?.paths) {
    const path = normalisePath(request.target);
    if (typeof path === 'string') {
      return refuse('ERR_POLICY', 'paths', `The path ${PATH_PROBLEM[path]}, so no path rule can allow it (rule: paths).`);
    }
    if (cred?.paths && !pathAllowed(cred.paths, path)) {
      return refuse('ERR_POLICY', 'paths', `Credential "${credential.name}" allows only the paths ${patternsText(cred)} (rule: paths).`);
    }
    if (key?.policy?.paths && !pathAllowed(key.policy.paths, path as NormalisedPath)) {
      return refuse('ERR_KEY_SCOPE', 'paths', `Access key ${key.id} allows only the paths ${patternsText(key.policy)} (rule: paths).`);
    }
  }
  if (credential.rateWaitMs > 0) {
    return refuse('ERR_RATE_LIMITED', 'rate', `Credential "${credential.name}" allows ${cred?.rate?.text ?? 'a limited rate'} (rule: rate).`, retryAfter(credential.rateWaitMs));
  }
  if (key && key.rateWaitMs > 0) {
    return refuse('ERR_RATE_LIMITED', 'rate', `Access key ${key.id} allows ${key.policy?.rate?.text ?? 'a limited rate'} (rule: rate).`, retryAfter(key.rateWaitMs));
  }
  if (credential.usesLeft !== null && credential.usesLeft <= 0) {
    return refuse('ERR_USED_UP', 'uses', `Credential "${credential.name}" has no uses left (rule: max-uses).`);
  }
  return ALLOW;
}

function patternsText(policy: CompiledPolicy): string {
  return policy.paths!.map((p) => p.source).join(', ');
}

function retryAfter(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}
