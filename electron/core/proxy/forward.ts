/** Sends one request upstream through undici, never following redirects, with the R4 retry-once on 401. */
import type { ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream';
import type { Dispatcher } from 'undici';
import { connectionTokens } from './guards.ts';
import { ProxyRejection } from './proxy-error.ts';
import type { Upstreams } from './upstreams.ts';

/** Response headers never passed back (P8), plus CORS headers: the proxy never grants a browser anything (P4). */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authenticate', 'proxy-authorization',
]);

export interface ForwardJob {
  origin: string;
  method: string;
  path: string;
  /** Forwardable request headers, flat, without Authorization. */
  headers: string[];
  /** The Authorization value to send (ours or the client's under passthrough); undefined sends none. */
  authorization: string | undefined;
  body: Buffer | Readable | null;
  /** Set when a 401 may be retried once with a forced refresh (R4): idempotent or fully buffered, and our token. */
  refresh: (() => Promise<string>) | undefined;
  signal: AbortSignal;
}

/** Returns the final upstream status once the response has been handed to `res`. */
export async function forward(upstreams: Upstreams, job: ForwardJob, res: ServerResponse): Promise<number> {
  const pool = upstreams.pool(job.origin);
  let response = await send(pool, job, job.authorization);
  if (response.statusCode === 401 && job.refresh) {
    await response.body.dump().catch(() => undefined);
    const token = await job.refresh();
    response = await send(pool, job, `Bearer ${token}`);
  }
  relay(response, res);
  return response.statusCode;
}

function send(pool: Dispatcher, job: ForwardJob, authorization: string | undefined): Promise<Dispatcher.ResponseData> {
  const headers = authorization === undefined ? job.headers : [...job.headers, 'authorization', authorization];
  return pool
    .request({ method: job.method as Dispatcher.HttpMethod, path: job.path, headers, body: job.body, signal: job.signal })
    .catch((err: unknown) => {
      throw upstreamFailure(err, job.origin);
    });
}

function relay(response: Dispatcher.ResponseData, res: ServerResponse): void {
  const headers = response.headers;
  const connection = headers.connection;
  const named = connection === undefined ? undefined : connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  for (const name in headers) {
    if (DROPPED_RESPONSE_HEADERS.has(name) || name.startsWith('access-control-') || named?.has(name)) delete headers[name];
  }
  res.writeHead(response.statusCode, headers as Record<string, string | string[]>);
  pipeline(response.body, res, (err) => {
    if (err) res.destroy();
  });
}

/** Maps an undici failure to 502/504; only the error code is exposed, never upstream text. */
export function upstreamFailure(err: unknown, origin: string): Error {
  if (err instanceof ProxyRejection) return err;
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED') return new ProxyRejection('ERR_CANCELLED', 'The client went away.');
  const code = e?.code ?? e?.cause?.code ?? 'unknown';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ProxyRejection('ERR_UPSTREAM_TIMEOUT', `${origin} did not answer in time (${code}).`);
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') return new ProxyRejection('ERR_BAD_REQUEST', 'The request body does not match its Content-Length.', { close: true });
  return new ProxyRejection('ERR_UPSTREAM', `${origin} could not be reached (${String(code).replace(/[^\w.-]/g, '')}).`);
}
