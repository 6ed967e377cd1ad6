/** The control-socket wire protocol: line-delimited JSON-RPC 2.0 messages, their zod schemas and error mapping. */
import { z } from 'zod';
import { isErrorCode, type ErrorCode, type ErrorPayload } from '../../../shared/errors.ts';
import { AppEvent } from '../../../shared/model.ts';
import { formatIssues } from '../../../shared/issue-messages.ts';

/** Bumped when the wire format changes incompatibly; `ping` reports it so a client can refuse a stranger. */
export const CONTROL_PROTOCOL_VERSION = 1;

/** Methods the server answers itself; they are not part of the service contract. */
export const PROTOCOL_METHODS = ['ping', 'subscribe', 'unsubscribe'] as const;
export type ProtocolMethod = (typeof PROTOCOL_METHODS)[number];

export function isProtocolMethod(value: unknown): value is ProtocolMethod {
  return typeof value === 'string' && (PROTOCOL_METHODS as readonly string[]).includes(value);
}

/** Default cap on one incoming line at the server (SECURITY P10 spirit: every buffer is bounded). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;
/** Responses can legitimately be larger than requests (a long `list`), but are still bounded. */
export const DEFAULT_CLIENT_MAX_LINE_BYTES = 32 * 1024 * 1024;

export const RequestId = z.union([z.string().min(1).max(128), z.number().int().safe()]);
export type RequestId = z.infer<typeof RequestId>;

export const RequestEnvelope = z
  .object({
    jsonrpc: z.literal('2.0'),
    id: RequestId,
    method: z.string().min(1).max(128),
    params: z.array(z.unknown()).max(16).default([]),
  })
  .strict();
export type RequestEnvelope = z.infer<typeof RequestEnvelope>;

export const ErrorObject = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.object({ code: z.string() }).optional(),
});

const ResponseId = z.union([RequestId, z.null()]);

export const SuccessResponse = z.object({ jsonrpc: z.literal('2.0'), id: RequestId, result: z.unknown() }).strict();
export const ErrorResponse = z.object({ jsonrpc: z.literal('2.0'), id: ResponseId, error: ErrorObject }).strict();
export const EventNotification = z
  .object({ jsonrpc: z.literal('2.0'), method: z.literal('event'), params: z.tuple([AppEvent]) })
  .strict();

/** Everything a client may receive. Anything else means the peer does not speak the protocol. */
export const IncomingMessage = z.union([SuccessResponse, ErrorResponse, EventNotification]);
export type IncomingMessage = z.infer<typeof IncomingMessage>;

export const PingResult = z.object({ protocol: z.literal(CONTROL_PROTOCOL_VERSION), pid: z.number().int() }).strict();
export type PingResult = z.infer<typeof PingResult>;

/** JSON-RPC 2.0 reserved codes; domain errors use the implementation-defined server range. */
export const RPC_CODES = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
  serverError: -32000,
} as const;

export function rpcCodeFor(code: ErrorCode): number {
  switch (code) {
    case 'ERR_INVALID_INPUT':
      return RPC_CODES.invalidParams;
    case 'ERR_TOO_LARGE':
      return RPC_CODES.invalidRequest;
    case 'ERR_INTERNAL':
      return RPC_CODES.internalError;
    default:
      return RPC_CODES.serverError;
  }
}

export function encodeResult(id: RequestId, result: unknown): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, result: result === undefined ? null : result })}\n`;
}

export function encodeError(id: RequestId | null, payload: ErrorPayload, rpcCode: number = rpcCodeFor(payload.code)): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, error: { code: rpcCode, message: payload.message, data: { code: payload.code } } })}\n`;
}

export function encodeEvent(event: AppEvent): string {
  return `${JSON.stringify({ jsonrpc: '2.0', method: 'event', params: [event] })}\n`;
}

export function encodeRequest(id: RequestId, method: string, params: unknown[]): string {
  return `${JSON.stringify({ jsonrpc: '2.0', id, method, params })}\n`;
}

/** The shared `{code, message}` an error response carries; an unknown code is treated as internal. */
export function payloadFromError(error: z.infer<typeof ErrorObject>): ErrorPayload {
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

/** Picks a usable id out of a message that failed validation, so the sender's call still settles. */
export function salvageId(message: unknown): RequestId | null {
  if (message && typeof message === 'object' && 'id' in message) {
    const id = RequestId.safeParse((message as { id: unknown }).id);
    if (id.success) return id.data;
  }
  return null;
}

/** A short, value-free summary of zod issues: the project's one formatter (shared/issue-messages.ts). */
export function describeIssues(error: z.ZodError): string {
  return formatIssues(error);
}
