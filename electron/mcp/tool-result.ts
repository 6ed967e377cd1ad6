/** Tool results: JSON for the model plus structured content, and coded errors as `isError` results. */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ERROR_SPECS, toErrorPayload } from '../../shared/errors.ts';

export function toolJson(value: Record<string, unknown>, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(value, null, 2) }], structuredContent: value };
}

/**
 * A refusal or failure as the model should see it: `CODE: message`, so it can explain what happened.
 * Unknown errors never show their message, which could hold anything (S7).
 */
export function toolError(err: unknown): CallToolResult {
  const { code, message } = toErrorPayload(err);
  return { content: [{ type: 'text', text: `${code}: ${message || ERROR_SPECS[code].ui}` }], isError: true };
}

/** Runs a tool body and turns any throw into a tool error: a bad call never takes the server down. */
export async function guarded(fn: () => Promise<CallToolResult>, log: (line: string) => void): Promise<CallToolResult> {
  try {
    return await fn();
  } catch (err) {
    const result = toolError(err);
    if (toErrorPayload(err).code === 'ERR_INTERNAL') log(`tool failed: ${(err as Error)?.name ?? 'error'}`);
    return result;
  }
}
