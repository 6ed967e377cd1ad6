/** One API call from an untrusted client: schema-validated arguments in, an envelope out; never a raw throw (SECURITY E5). */
import type { z } from 'zod';
import { ARG_SCHEMAS, isApiMethod, type ApiMethod, type TokenwardenApi } from '../../shared/contract.ts';
import { toErrorPayload } from '../../shared/errors.ts';
import { formatIssues } from '../../shared/issue-messages.ts';
import type { IpcEnvelope } from '../../shared/contract.ts';

/** Names the failing fields without echoing their values (a value may be a pasted token): the shared formatter. */
export function describeIssues(error: z.ZodError): string {
  return formatIssues(error);
}

/** Runs after validation and before the service; a throw becomes the error envelope (see ipc-gate.ts). */
export type BeforeCall = (method: ApiMethod, args: readonly unknown[]) => Promise<void>;

export async function dispatchApiCall(api: TokenwardenApi, method: unknown, args: unknown, beforeCall?: BeforeCall): Promise<IpcEnvelope> {
  if (!isApiMethod(method)) {
    return { ok: false, error: { code: 'ERR_INVALID_INPUT', message: 'Unknown method.' } };
  }
  const parsed = ARG_SCHEMAS[method as ApiMethod].safeParse(Array.isArray(args) ? args : [args]);
  if (!parsed.success) {
    return { ok: false, error: { code: 'ERR_INVALID_INPUT', message: describeIssues(parsed.error) } };
  }
  try {
    await beforeCall?.(method, parsed.data as unknown[]);
    const fn = api[method] as (...a: unknown[]) => Promise<unknown>;
    const value = await fn.apply(api, parsed.data as unknown[]);
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    return { ok: false, error: toErrorPayload(err) };
  }
}
