/**
 * decide: the pure admission rule shared by gateway, forward and CONNECT (SECURITY A1, A3, A8). It reads a snapshot of
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
  /** The request headers as forwarded upstream, flat [name, value, ...]; read only under a method rule (A8). */
  headers?: readonly string[] | undefined;
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

/**
 * Headers that Express's method-override, Symfony, Laravel, ASP.NET Web API and Google's APIs honour as the method
 * to run: under a method rule, one naming another method would run that method behind an allowed POST (A8).
 */
const METHOD_OVERRIDE_HEADERS = new Map([
  ['x-http-method-override', 'X-HTTP-Method-Override'],
  ['x-method-override', 'X-Method-Override'],
  ['x-http-method', 'X-HTTP-Method'],
]);

/**
 * The first override header naming a method outside `allowed`. Every comma-separated value counts, since
 * frameworks differ on whether the first or the last of repeated headers wins; an empty value overrides nothing.
 */
function overrideOutside(headers: readonly string[] | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (!headers) return undefined;
  for (let i = 0; i < headers.length; i += 2) {
    const name = METHOD_OVERRIDE_HEADERS.get(headers[i]!.toLowerCase());
    if (name === undefined) continue;
    for (const value of headers[i + 1]!.split(',')) {
      const method = value.trim().toUpperCase();
      if (method !== '' && !allowed.has(method)) return name;
    }
  }
  return undefined;
}

/** Names the header, never its value: the client chose that text. */
function smuggledText(header: string | undefined): string {
  return header ? `; the request's ${header} header names another method` : '';
}

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

/**
 * What is wrong with the key itself, before any request is looked at: expired, used up or revoked, or (given a
 * credential) not for that credential. Undefined when the key may go on to the request's own rules.
 */
export function keyRefusal(key: Pick<KeyView, 'id' | 'for' | 'status'>, credentialName?: string): Refusal | undefined {
  if (key.status !== 'active') {
    const dead = KEY_DEAD[key.status];
    return refuse(dead.code, 'key', `Access key ${key.id} ${dead.text}.`);
  }
  if (credentialName !== undefined && !key.for.includes(credentialName)) {
    return refuse('ERR_KEY_SCOPE', 'scope', `Access key ${key.id} is not for credential "${credentialName}" (rule: scope).`);
  }
  return undefined;
}

/** A key id the store no longer has: revoked and forgotten. */
export function missingKeyRefusal(id: string): Refusal {
  return refuse('ERR_KEY_REVOKED', 'key', `Access key ${id} was revoked.`);
}

export function decide(request: DecideRequest, credential: CredentialView, key?: KeyView): Decision {
  const refusedKey = key && keyRefusal(key, credential.name);
  if (refusedKey) return refusedKey;
  const method = request.method.toUpperCase();
  const cred = credential.policy;
  if (cred?.methods) {
    const smuggled = cred.methods.has(method) ? overrideOutside(request.headers, cred.methods) : undefined;
    if (!cred.methods.has(method) || smuggled) {
      return refuse('ERR_POLICY', 'methods', `Credential "${credential.name}" allows only ${[...cred.methods].join(', ')} (rule: methods)${smuggledText(smuggled)}.`);
    }
  }
  if (key?.policy?.methods) {
    // The code the method itself would get: an override is refused exactly as if it had been sent as the method.
    const smuggled = key.policy.methods.has(method) ? overrideOutside(request.headers, key.policy.methods) : undefined;
    if (!key.policy.methods.has(method) || smuggled) {
      return refuse('ERR_KEY_SCOPE', 'methods', `Access key ${key.id} allows only ${[...key.policy.methods].join(', ')} (rule: methods)${smuggledText(smuggled)}.`);
    }
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
