/** The CLI's one failure path: `tokenwarden: <message> (<CODE>)` on stderr and the mapped exit code. */
import { ERROR_SPECS, exitCodeFor, toErrorPayload, type ErrorCode } from '../../shared/errors.ts';
import { TokenwardenError } from '../core/base/errors.ts';

export function usageError(message: string): TokenwardenError {
  return new TokenwardenError('ERR_USAGE', message);
}

export function formatFailure(err: unknown): { line: string; exitCode: number; code: ErrorCode } {
  const payload = toErrorPayload(err);
  const message = (payload.message || ERROR_SPECS[payload.code].ui).replace(/\s+/g, ' ').trim();
  return { line: `tokenwarden: ${message} (${payload.code})`, exitCode: exitCodeFor(payload.code), code: payload.code };
}

/** A non-fatal notice on stderr, worded like failures so scripts can grep `tokenwarden:`. */
export function warnLine(text: string): string {
  return `tokenwarden: warning: ${text}\n`;
}
