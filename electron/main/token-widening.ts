/**
 * Which window changes widen what the token itself can do (SECURITY E9): asking the identity provider for more
 * scope, an Authorization policy that lets more requests through, plain http allowed, and a token the window
 * chose put in place of the user's. Each reverse (fewer scope words, back to reject, http withdrawn) never asks.
 * Pure, so the rule is tested without Electron.
 */
import type { AuthPolicy } from '../../shared/model.ts';
import { parseOrigin } from '../../shared/origin.ts';
import { tokenTail } from '../core/credentials/summary.ts';

/** Scope words the next token request asks for that the stored scope did not; `after: null` = the IdP's default. */
export interface ScopeWidening {
  added: string[];
  before: string | null;
  after: string | null;
}

export interface AuthPolicyWidening {
  next: AuthPolicy;
  previous: AuthPolicy;
}

/** Plain http consent given; `hosts` are the http origins it then covers (none yet is still a widening). */
export interface PlainHttpWidening {
  hosts: string[];
}

/** A rotate carrying a token from the window: only the last 4 characters of each are ever shown (S7). */
export interface TokenReplacement {
  tail: string | null;
  previousTail: string | null;
}

/**
 * reject < passthrough < force. Passthrough lets a request that brings its own Authorization through where reject
 * refused it; force then sends our token on those requests too. Force -> passthrough only stops adding ours.
 */
const AUTH_POLICY_RANK: Record<AuthPolicy, number> = { reject: 0, passthrough: 1, force: 2 };

const words = (scope: string | null | undefined): string[] => (scope ?? '').split(/\s+/).filter(Boolean);

/**
 * An absent scope sends none, so the IdP picks its default, which can be anything the client may have: clearing
 * the scope is therefore a widening too, and so is every word set where none was set before.
 */
export function scopeWidening(previous: string | null, next: string): ScopeWidening | undefined {
  const before = words(previous);
  const after = words(next);
  if (after.length === 0) return before.length === 0 ? undefined : { added: [], before: previous, after: null };
  const added = [...new Set(after.filter((word) => !before.includes(word)))];
  return added.length === 0 ? undefined : { added, before: previous, after: next };
}

export function authPolicyWidening(previous: AuthPolicy, next: AuthPolicy): AuthPolicyWidening | undefined {
  return AUTH_POLICY_RANK[next] > AUTH_POLICY_RANK[previous] ? { next, previous } : undefined;
}

export function plainHttpWidening(previous: boolean, next: boolean, hosts: readonly string[]): PlainHttpWidening | undefined {
  if (!next || previous) return undefined;
  return { hosts: hosts.filter((origin) => parseOrigin(origin)?.scheme === 'http') };
}

export function tokenReplacement(token: string, previousTail: string | null): TokenReplacement {
  return { tail: tokenTail(token), previousTail };
}
