/** JSON error responses for the proxy: `{"error":{"code","message"}}` with the status from shared/errors.ts. */
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { ERROR_SPECS, toErrorPayload, type ErrorCode } from '../../../shared/errors.ts';
import { AccessRefused } from '../access/access-refused.ts';

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 407: 'Proxy Authentication Required',
  408: 'Request Timeout', 409: 'Conflict', 413: 'Content Too Large', 421: 'Misdirected Request', 423: 'Locked',
  428: 'Precondition Required', 429: 'Too Many Requests', 431: 'Request Header Fields Too Large', 500: 'Internal Server Error',
  501: 'Not Implemented', 502: 'Bad Gateway', 503: 'Service Unavailable', 504: 'Gateway Timeout',
};

/** A coded rejection raised inside the pipeline; `close` asks for the connection to be closed after the answer. */
export class ProxyRejection extends Error {
  readonly code: ErrorCode;
  readonly close: boolean;
  readonly status: number;
  /** The access rule that refused the request, named in the JSON body. */
  readonly rule: string | undefined;
  /** Extra response headers, e.g. Retry-After on a 429. */
  readonly headers: Record<string, string> | undefined;

  constructor(code: ErrorCode, message: string, options: { close?: boolean; status?: number; rule?: string; headers?: Record<string, string> } = {}) {
    super(message);
    this.code = code;
    this.close = options.close ?? false;
    this.status = options.status ?? ERROR_SPECS[code].http;
    this.rule = options.rule;
    this.headers = options.headers;
  }
}

export interface ErrorAnswer {
  status: number;
  code: ErrorCode;
  body: string;
  close: boolean;
  headers?: Record<string, string> | undefined;
}

/** Turns anything thrown into an answer; unknown errors never leak their message (S7). */
export function toErrorAnswer(err: unknown): ErrorAnswer {
  if (err instanceof ProxyRejection) {
    return { status: err.status, code: err.code, body: errorBody(err.code, err.message, err.rule), close: err.close, headers: err.headers };
  }
  if (err instanceof AccessRefused) {
    const headers = err.retryAfterSeconds === undefined ? undefined : { 'retry-after': String(err.retryAfterSeconds) };
    return { status: ERROR_SPECS[err.code].http, code: err.code, body: errorBody(err.code, err.message, err.rule), close: false, headers };
  }
  const payload = toErrorPayload(err);
  return { status: ERROR_SPECS[payload.code].http, code: payload.code, body: errorBody(payload.code, payload.message), close: false };
}

export function errorBody(code: ErrorCode, message: string, rule?: string): string {
  return JSON.stringify({ error: rule ? { code, message, rule } : { code, message } });
}

const BASE_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };

export function sendError(res: ServerResponse, answer: ErrorAnswer, extra?: Record<string, string>): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const headers: Record<string, string | number> = { ...BASE_HEADERS, 'content-length': Buffer.byteLength(answer.body), ...answer.headers, ...extra };
  if (answer.close) {
    headers.connection = 'close';
    res.shouldKeepAlive = false;
  }
  res.writeHead(answer.status, headers);
  res.end(answer.body);
}

/** For raw sockets (CONNECT, parse errors) where no ServerResponse exists; always closes. */
export function writeRawError(socket: Duplex, answer: ErrorAnswer, extra: string = ''): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const text = STATUS_TEXT[answer.status] ?? 'Error';
  for (const [name, value] of Object.entries(answer.headers ?? {})) extra += `${name}: ${value}\r\n`;
  socket.end(
    `HTTP/1.1 ${answer.status} ${text}\r\ncontent-type: application/json; charset=utf-8\r\ncache-control: no-store\r\n` +
      `${extra}connection: close\r\ncontent-length: ${Buffer.byteLength(answer.body)}\r\n\r\n${answer.body}`,
  );
}
