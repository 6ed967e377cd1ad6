/** A policy compiled once (method set, path matchers, rate) from the stored shape in shared/policy.ts. */
import { parseRate, type Policy } from '../../../shared/policy.ts';
import { PathPattern } from './path-pattern.ts';

export interface CompiledPolicy {
  readonly source: Policy;
  /** Upper-case methods; undefined = every method. */
  readonly methods: ReadonlySet<string> | undefined;
  readonly paths: readonly PathPattern[] | undefined;
  readonly rate: { count: number; periodMs: number; text: string } | undefined;
  readonly concurrency: number | undefined;
  readonly maxUses: number | undefined;
  /** The rules that carry runtime state (rate, concurrency), as text: state survives edits of the others. */
  readonly stateKey: string;
}

const compiled = new WeakMap<Policy, CompiledPolicy>();

/** Cached by object identity: a stored policy is frozen and replaced, never edited in place. */
export function compilePolicy(policy: Policy | undefined): CompiledPolicy | undefined {
  if (!policy) return undefined;
  const hit = compiled.get(policy);
  if (hit) return hit;
  const rate = policy.rate === undefined ? undefined : parseRate(policy.rate);
  const result: CompiledPolicy = {
    source: policy,
    methods: policy.methods ? new Set(policy.methods.map((m) => m.toUpperCase())) : undefined,
    paths: policy.paths ? policy.paths.map((p) => new PathPattern(p)) : undefined,
    rate: rate && !('problem' in rate) ? { count: rate.count, periodMs: rate.perMs, text: policy.rate! } : undefined,
    concurrency: policy.concurrency,
    maxUses: policy.maxUses,
    stateKey: `${policy.rate ?? ''}|${policy.concurrency ?? ''}`,
  };
  compiled.set(policy, result);
  return result;
}
