/**
 * The `http_request` tool's input: its schema (what the model sees in tools/list) and the checks that turn a
 * path or URL into one target on a bound origin. Anything odd is refused here, before any request is sent.
 */
import { z } from 'zod';
import { TokenwardenError } from '../core/base/errors.ts';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
/** The largest request body an agent may send (after base64 decoding). */
export const MAX_REQUEST_BODY_BYTES = 8 * 1024 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_TIMEOUT_MS = 120_000;
const MAX_HEADERS = 64;

export const HttpRequestShape = {
  credential: z.string({ error: 'expected a credential name from list_credentials' }).max(64).describe('Name of the credential to call with (see list_credentials).'),
  method: z
    .enum(HTTP_METHODS, { error: `expected one of ${HTTP_METHODS.join(', ')}` })
    .default('GET')
    .describe('HTTP method. Default GET.'),
  path: z
    .string({ error: 'expected a string such as "/user/repos?per_page=5"' })
    .max(8192, 'longer than 8192 characters')
    .optional()
    .describe("Path and query relative to the credential's first bound host, starting with '/', e.g. \"/user/repos?per_page=5\". Give either path or url."),
  url: z
    .string({ error: 'expected an absolute URL string' })
    .max(8192, 'longer than 8192 characters')
    .optional()
    .describe("Absolute URL whose origin is one of the credential's bound hosts. Give either path or url."),
  headers: z
    .record(z.string(), z.string({ error: 'expected a string header value' }), { error: 'expected an object of header name to string value' })
    .optional()
    .describe('Extra request headers, e.g. {"Accept": "application/json"}. Never send Authorization: Tokenwarden adds the credential itself.'),
  body: z
    .string({ error: 'expected a string (text, or base64 with body_encoding "base64")' })
    .optional()
    .describe('Request body: text (e.g. JSON) or base64 when body_encoding is "base64". At most 8 MiB.'),
  body_encoding: z.enum(['text', 'base64'], { error: 'expected "text" or "base64"' }).default('text').describe('How body is encoded. Default text.'),
  timeout_ms: z
    .number({ error: 'expected a number of milliseconds' })
    .int('expected a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_TIMEOUT_MS, `must be at most ${MAX_TIMEOUT_MS}`)
    .default(DEFAULT_TIMEOUT_MS)
    .describe(`Give up after this many milliseconds. Default ${DEFAULT_TIMEOUT_MS}.`),
};

export const HttpRequestInput = z.object(HttpRequestShape).strict();
export type HttpRequestInput = z.output<typeof HttpRequestInput>;

function invalid(message: string): TokenwardenError {
  return new TokenwardenError('ERR_INVALID_INPUT', message);
}

/** A `.` or `..` segment, also percent-encoded, or a backslash some servers read as a slash (SECURITY M2). */
const DOT_SEGMENT = /(?:^|[/\\])(?:\.|%2e){1,2}(?:[/\\?#]|$)/i;
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\x00-\x20\x7f#\\]/;

function checkPathPart(value: string, what: string): void {
  const q = value.indexOf('?');
  const pathOnly = q < 0 ? value : value.slice(0, q);
  if (DOT_SEGMENT.test(pathOnly)) throw invalid(`${what} must not contain "." or ".." segments.`);
  if (UNSAFE_CHARS.test(value)) throw invalid(`${what} must not contain spaces, control characters, "#" or "\\"; percent-encode them.`);
}

export interface Target {
  /** The bound origin the request goes to. */
  origin: string;
  /** Origin-form path with query, starting with '/'. */
  path: string;
}

/** Exactly one of path/url, checked against the credential's bound origins. */
export function resolveTarget(input: Pick<HttpRequestInput, 'path' | 'url'>, hosts: readonly string[]): Target {
  const first = hosts[0];
  if (!first) throw new TokenwardenError('ERR_HOST_NOT_BOUND', 'This credential has no bound host.');
  if ((input.path === undefined) === (input.url === undefined)) throw invalid('Give exactly one of path or url.');
  if (input.path !== undefined) {
    if (!input.path.startsWith('/') || input.path.startsWith('//')) throw invalid('path must start with a single "/", e.g. "/user".');
    checkPathPart(input.path, 'path');
    return { origin: first, path: input.path };
  }
  const raw = input.url!;
  const scheme = /^(https?):\/\/([^/?#]*)(.*)$/i.exec(raw);
  if (!scheme) throw invalid('url must be an absolute http(s) URL on a bound host.');
  if (scheme[2]!.includes('@')) throw invalid('url must not contain a user name or password.');
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw invalid('url is not a valid URL.');
  }
  if (parsed.username || parsed.password) throw invalid('url must not contain a user name or password.');
  const rest = scheme[3]!;
  if (rest && !rest.startsWith('/') && !rest.startsWith('?')) throw invalid('url is not a valid URL.');
  checkPathPart(rest || '/', 'url');
  if (!hosts.includes(parsed.origin)) {
    throw new TokenwardenError('ERR_HOST_NOT_BOUND', `${parsed.origin} is not bound to this credential. Bound: ${hosts.join(', ')}.`);
  }
  return { origin: parsed.origin, path: `${parsed.pathname}${parsed.search}` };
}

/** Headers Tokenwarden sets itself, or that would change how the proxy treats the request. */
const RESERVED_HEADERS = new Set([
  'host', 'authorization', 'proxy-authorization', 'x-tokenwarden-key', 'x-tokenwarden-client', 'connection', 'keep-alive',
  'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade', 'content-length', 'expect', 'origin', 'x-forwarded-for',
  'accept-encoding',
]);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export function checkHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  const entries = Object.entries(headers ?? {});
  if (entries.length > MAX_HEADERS) throw invalid(`At most ${MAX_HEADERS} headers are accepted.`);
  for (const [name, value] of entries) {
    if (!TOKEN.test(name) || name.length > 256) throw invalid(`"${name.slice(0, 64)}" is not a valid header name.`);
    const lower = name.toLowerCase();
    if (lower === 'authorization') throw invalid('Do not send an Authorization header: Tokenwarden adds the credential itself.');
    if (RESERVED_HEADERS.has(lower)) throw invalid(`The ${name} header is set by Tokenwarden and cannot be sent.`);
    // eslint-disable-next-line no-control-regex
    if (/[\r\n\x00]/.test(value) || value.length > 8192) throw invalid(`The value of ${name} has a line break, a NUL or more than 8192 characters.`);
    out[name] = value;
  }
  return out;
}

export function decodeBody(body: string | undefined, encoding: 'text' | 'base64'): Buffer | undefined {
  if (body === undefined) return undefined;
  // A cheap length check first: a 20 MB string is refused without being copied.
  const bound = encoding === 'base64' ? Math.ceil((MAX_REQUEST_BODY_BYTES * 4) / 3) + 4 : MAX_REQUEST_BODY_BYTES;
  if (body.length > bound) throw new TokenwardenError('ERR_TOO_LARGE', `The body is larger than ${MAX_REQUEST_BODY_BYTES / (1024 * 1024)} MiB.`);
  if (encoding === 'base64') {
    if (!/^[A-Za-z0-9+/_-]*={0,2}$/.test(body.replace(/\s+/g, ''))) throw invalid('body is not valid base64.');
    return Buffer.from(body, 'base64');
  }
  const bytes = Buffer.from(body, 'utf8');
  if (bytes.length > MAX_REQUEST_BODY_BYTES) throw new TokenwardenError('ERR_TOO_LARGE', `The body is larger than ${MAX_REQUEST_BODY_BYTES / (1024 * 1024)} MiB.`);
  return bytes;
}
