/** zod parsing that fails with ERR_INVALID_INPUT and a one-line, secret-free message. */
import type { z } from 'zod';
import { TokenwardenError } from './errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TokenwardenError('ERR_INVALID_INPUT', describeIssue(result.error.issues));
}

/** zod messages here never echo token values: the schemas in shared/contract.ts are written that way. */
export function describeIssue(issues: readonly { path: readonly PropertyKey[]; message: string }[]): string {
  const issue = issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length ? `${issue.path.map(String).join('.')}: ` : '';
  return `${where}${issue.message}`;
}
