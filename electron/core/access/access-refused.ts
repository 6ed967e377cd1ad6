/**
 * An access refusal as an error: the code, the rule that refused and, for a rate limit, when to retry. Access
 * control knows nothing of HTTP; the proxy turns this into its JSON answer and status (and Retry-After).
 */
import { TokenwardenError } from '../base/errors.ts';
import type { Refusal, Rule } from './decide.ts';

export class AccessRefused extends TokenwardenError {
  readonly rule: Rule;
  readonly retryAfterSeconds: number | undefined;

  constructor(refusal: Pick<Refusal, 'code' | 'rule' | 'message' | 'retryAfterSeconds'>) {
    super(refusal.code, refusal.message);
    this.name = 'AccessRefused';
    this.rule = refusal.rule;
    this.retryAfterSeconds = refusal.retryAfterSeconds;
  }
}
