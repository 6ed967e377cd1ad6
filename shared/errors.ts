/** Error codes shared by every boundary: each maps to one HTTP status, one CLI exit code and one UI message. */

export interface ErrorSpec {
  /** HTTP status used by the proxy and any HTTP surface. */
  readonly http: number;
  /** Process exit code used by the CLI. 0 and 1 are never used for coded errors. */
  readonly exit: number;
  /** A human sentence for the UI when the message itself is not shown. */
  readonly ui: string;
}

export const ERROR_SPECS = {
  ERR_INVALID_INPUT: { http: 400, exit: 2, ui: 'Some of the input is not valid.' },
  ERR_USAGE: { http: 400, exit: 2, ui: 'The command was not used correctly.' },
  ERR_NOT_FOUND: { http: 404, exit: 3, ui: 'No credential has that name.' },
  ERR_EXISTS: { http: 409, exit: 4, ui: 'A credential with that name already exists.' },
  ERR_LOCKED: { http: 423, exit: 5, ui: 'The vault is locked. Unlock it first.' },
  ERR_BAD_PASSPHRASE: { http: 401, exit: 6, ui: 'That passphrase is not correct.' },
  ERR_BUSY: { http: 409, exit: 7, ui: 'Another Tokenwarden process owns this data directory.' },
  ERR_NEEDS_LOGIN: { http: 428, exit: 8, ui: 'This credential needs you to log in again.' },
  ERR_HOST_NOT_BOUND: { http: 403, exit: 9, ui: 'That host is not bound to this credential.' },
  ERR_TOKEN_UNAVAILABLE: { http: 503, exit: 10, ui: 'No valid token is available right now.' },
  ERR_IDP: { http: 502, exit: 11, ui: 'The identity provider refused or failed the request.' },
  ERR_UPSTREAM: { http: 502, exit: 12, ui: 'The upstream server could not be reached.' },
  ERR_UPSTREAM_TIMEOUT: { http: 504, exit: 13, ui: 'The upstream server did not answer in time.' },
  ERR_PROXY_AUTH: { http: 407, exit: 14, ui: 'The proxy key is missing or wrong.' },
  ERR_GATEWAY_KEY: { http: 401, exit: 14, ui: 'The X-Tokenwarden-Key header is missing or wrong.' },
  ERR_FORBIDDEN: { http: 403, exit: 15, ui: 'The request was refused for safety.' },
  ERR_BAD_HOST: { http: 421, exit: 15, ui: 'The Host header is not allowed.' },
  ERR_AMBIGUOUS: { http: 409, exit: 16, ui: 'Several credentials match; name one.' },
  ERR_AUTH_POLICY: { http: 400, exit: 17, ui: 'The request already carries an Authorization header.' },
  ERR_BAD_REQUEST: { http: 400, exit: 18, ui: 'The request is malformed.' },
  ERR_TOO_LARGE: { http: 413, exit: 18, ui: 'The request is too large.' },
  ERR_CORRUPT: { http: 500, exit: 19, ui: 'The vault file is damaged; a backup was used or is needed.' },
  ERR_UNSUPPORTED_FORMAT: { http: 500, exit: 19, ui: 'The vault file has a format this version cannot read.' },
  ERR_KEYRING_UNAVAILABLE: { http: 503, exit: 20, ui: 'The OS keyring is not reachable.' },
  ERR_INSECURE_STORAGE: { http: 503, exit: 20, ui: 'The only OS secret store available is not secure (basic_text); Tokenwarden refuses it.' },
  ERR_NOT_AVAILABLE: { http: 501, exit: 21, ui: 'That action is not available for this credential.' },
  ERR_DAEMON_UNREACHABLE: { http: 503, exit: 22, ui: 'The Tokenwarden daemon is not reachable.' },
  ERR_PROTOCOL: { http: 400, exit: 22, ui: 'The peer does not speak the Tokenwarden protocol.' },
  ERR_TIMEOUT: { http: 504, exit: 23, ui: 'The operation timed out.' },
  ERR_CANCELLED: { http: 499, exit: 24, ui: 'The operation was cancelled.' },
  ERR_EXEC_FAILED: { http: 502, exit: 25, ui: 'The token command failed.' },
  ERR_UPSTREAM_CERT: { http: 502, exit: 12, ui: 'The upstream certificate is not trusted.' },
  ERR_CONFIRMATION_REQUIRED: { http: 403, exit: 26, ui: 'This change needs your confirmation in a Tokenwarden system dialog.' },
  ERR_DENIED: { http: 403, exit: 26, ui: 'The request was declined.' },
  ERR_POLICY: { http: 403, exit: 27, ui: "The credential's policy does not allow this request." },
  ERR_RATE_LIMITED: { http: 429, exit: 28, ui: 'Too many requests for this credential; try again shortly.' },
  ERR_CONCURRENCY: { http: 429, exit: 28, ui: 'Too many requests are in flight for this credential.' },
  ERR_USED_UP: { http: 403, exit: 29, ui: 'This credential has no uses left.' },
  ERR_KEY_EXPIRED: { http: 401, exit: 30, ui: 'This access key has expired.' },
  ERR_KEY_REVOKED: { http: 401, exit: 30, ui: 'This access key was revoked.' },
  ERR_KEY_USED_UP: { http: 401, exit: 30, ui: 'This access key has no uses left.' },
  ERR_KEY_SCOPE: { http: 403, exit: 30, ui: 'This access key does not cover that credential or request.' },
  ERR_ROLLBACK: { http: 500, exit: 31, ui: 'The vault file is older than the last one this machine saw.' },
  ERR_AUDIT_TAMPERED: { http: 500, exit: 32, ui: 'The audit log was changed, reordered or cut.' },
  ERR_OVERLOADED: { http: 503, exit: 28, ui: 'The proxy has every connection busy; retry shortly.' },
  ERR_UNSUPPORTED_NODE: { http: 500, exit: 33, ui: 'This Node.js is too old for what was asked; Node 24 LTS runs everything.' },
  ERR_NO_OWNER: { http: 503, exit: 22, ui: 'No Tokenwarden daemon or app is running.' },
  ERR_SANDBOX_UNAVAILABLE: { http: 501, exit: 34, ui: 'No sandbox is available here, so the command was not run.' },
  ERR_INTERNAL: { http: 500, exit: 70, ui: 'Something went wrong inside Tokenwarden.' },
} as const satisfies Record<string, ErrorSpec>;

export type ErrorCode = keyof typeof ERROR_SPECS;

export const ERROR_CODES = Object.keys(ERROR_SPECS) as ErrorCode[];

/** The one shape an error takes when it crosses a boundary (IPC, control socket, HTTP body). */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_SPECS, value);
}

export function httpStatusFor(code: ErrorCode): number {
  return ERROR_SPECS[code].http;
}

export function exitCodeFor(code: ErrorCode): number {
  return ERROR_SPECS[code].exit;
}

/** Normalises anything thrown into a payload; unknown errors never leak their message, which may hold secrets. */
export function toErrorPayload(err: unknown): ErrorPayload {
  if (err && typeof err === 'object' && 'code' in err && isErrorCode((err as { code: unknown }).code)) {
    const message = (err as { message?: unknown }).message;
    return { code: (err as { code: ErrorCode }).code, message: typeof message === 'string' ? message : '' };
  }
  return { code: 'ERR_INTERNAL', message: ERROR_SPECS.ERR_INTERNAL.ui };
}
