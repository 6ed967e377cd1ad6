/**
 * The control protocol (electron/core/control/protocol.ts) without zod: the few checks a client makes on what
 * it receives, written out by hand so a fast start builds no schema. Each function accepts exactly what the
 * matching schema there accepts; test/unit/electron/cli/fast/fast-wire.test.ts holds them side by side.
 */
import { isErrorCode, type ErrorPayload } from '../../../shared/errors.ts';

export const CONTROL_PROTOCOL_VERSION = 1;

export type WireMessage =
  | { kind: 'result'; id: string | number; result: unknown }
  | { kind: 'error'; id: string | number | null; error: { code: number; message: string; data?: { code: string } } }
  | { kind: 'event' };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A strict zod object: every key is one of `allowed`. */
const onlyKeys = (value: Json, allowed: readonly string[]): boolean => Object.keys(value).every((key) => allowed.includes(key));
const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isRequestId = (value: unknown): value is string | number =>
  typeof value === 'string' ? value.length >= 1 && value.length <= 128 : Number.isSafeInteger(value);

function isErrorObject(value: unknown): value is { code: number; message: string; data?: { code: string } } {
  if (!isObject(value) || !isInt(value.code) || typeof value.message !== 'string') return false;
  return value.data === undefined || (isObject(value.data) && typeof value.data.code === 'string');
}

/** SuccessResponse, ErrorResponse or EventNotification; undefined for anything outside the protocol. */
export function classifyMessage(value: unknown): WireMessage | undefined {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if (Object.hasOwn(value, 'result')) {
    return onlyKeys(value, ['jsonrpc', 'id', 'result']) && isRequestId(value.id) ? { kind: 'result', id: value.id, result: value.result } : undefined;
  }
  if (Object.hasOwn(value, 'error')) {
    const idOk = value.id === null || isRequestId(value.id);
    return onlyKeys(value, ['jsonrpc', 'id', 'error']) && idOk && isErrorObject(value.error)
      ? { kind: 'error', id: value.id as string | number | null, error: value.error }
      : undefined;
  }
  // This client never subscribes, so an event is not for it; only its envelope is checked.
  const isEvent = value.method === 'event' && Array.isArray(value.params) && value.params.length === 1 && onlyKeys(value, ['jsonrpc', 'method', 'params']);
  return isEvent ? { kind: 'event' } : undefined;
}

/** PingResult: `{protocol: 1, pid}` and nothing else. */
export function isPingResult(value: unknown): value is { protocol: number; pid: number } {
  return isObject(value) && onlyKeys(value, ['protocol', 'pid']) && value.protocol === CONTROL_PROTOCOL_VERSION && isInt(value.pid);
}

export function encodeRequest(id: number, method: string, params: unknown[]): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;
}

/** The shared `{code, message}` an error response carries; an unknown code is treated as internal. */
export function payloadFromError(error: { message: string; data?: { code: string } }): ErrorPayload {
  const code = error.data?.code;
  return { code: isErrorCode(code) ? code : 'ERR_INTERNAL', message: error.message };
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Parses one line as JSON; `undefined` for a blank line, throws for bad UTF-8 or bad JSON. */
export function parseLine(line: Buffer): unknown {
  const text = utf8.decode(line);
  if (text.trim() === '') return undefined;
  return JSON.parse(text) as unknown;
}

/** DEFAULT_CLIENT_MAX_LINE_BYTES of protocol.ts: answers may be long (a big `list`), but are bounded. */
export const CLIENT_MAX_LINE_BYTES = 32 * 1024 * 1024;
