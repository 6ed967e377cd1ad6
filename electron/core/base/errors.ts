/** TokenwardenError: the one error class core throws; its code comes from shared/errors.ts. */
import { ERROR_SPECS, type ErrorCode, type ErrorPayload } from '../../../shared/errors.ts';

export class TokenwardenError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? ERROR_SPECS[code].ui, options);
    this.code = code;
    this.name = 'TokenwardenError';
  }

  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

export function isTokenwardenError(err: unknown): err is TokenwardenError {
  return err instanceof TokenwardenError;
}
