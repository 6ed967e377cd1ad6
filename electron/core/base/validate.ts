/** zod parsing that fails with ERR_INVALID_INPUT and a one-line, secret-free message from the shared formatter. */
import type { z } from 'zod';
import { formatIssues } from '../../../shared/issue-messages.ts';
import { TokenwardenError } from './errors.ts';

export function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TokenwardenError('ERR_INVALID_INPUT', formatIssues(result.error));
}
