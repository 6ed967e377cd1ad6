/** Sends one request upstream through undici's dispatch API, never following redirects, with the R4 retry-once on 401. */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { connectionTokens } from './guards.ts';
import { ProxyRejection } from './proxy-error.ts';
import type { Upstreams } from './upstreams.ts';

/** Response headers never passed back (P8). CORS headers are dropped too: the proxy never grants a browser anything (P4). */
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'transfer-encoding', 'upgrade',
  'proxy-authenticate', 'proxy-authorization',
]);

export interface ForwardJob {
  origin: string;
  /** A private CA the credential trusts for this upstream, on top of the owner's roots. */
  upstreamCa?: string | undefined;
  method: string;
  path: string;
  /** Forwardable request headers, flat, without Authorization. */
  headers: string[];
  /** The Authorization value to send (ours or the client's under passthrough); undefined sends none. */
  authorization: string | undefined;
  body: Buffer | Readable | null;
  /** Set when a 401 may be retried once with a forced refresh (R4): replayable body and our token. */
  refresh: (() => Promise<string>) | undefined;
  /** Called once when a relayed response ends, fails or is abandoned by the client, with the body bytes relayed. */
  onEnd: (status: number, bytes: number) => void;
}

const CLIENT_GONE = new ProxyRejection('ERR_CANCELLED', 'The client went away.');

/**
 * Resolves with the upstream status once the response head has been written to `res`; the body then streams
 * straight from undici's handler into `res` with backpressure, without an intermediate stream.
 * Rejects (before anything was written) with a ProxyRejection for 502/504.
 */
export function forward(upstreams: Upstreams, job: ForwardJob, res: ServerResponse): Promise<number> {
  const pool = upstreams.pool(job.origin, job.upstreamCa);
  if (!(pool instanceof Promise)) return send(pool, job, res);
  // The first request after start waits for the HTTP client to load; a client that left meanwhile gets nothing sent.
  return pool.then((loaded) => (res.destroyed ? Promise.reject(CLIENT_GONE) : send(loaded, job, res)));
}

function send(pool: Dispatcher, job: ForwardJob, res: ServerResponse): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let finished = false;
    let status = 0;
    let bytes = 0;
    // Client aborts propagate upstream (P10): the in-flight dispatch is cancelled.
    res.once('close', () => {
      if (!finished) {
        finished = true;
        controller?.abort(CLIENT_GONE);
        if (status) job.onEnd(status, bytes);
        else reject(CLIENT_GONE);
      }
    });

    const attempt = (authorization: string | undefined, refresh: (() => Promise<string>) | undefined): void => {
      let retrying = false;
      let started = false;
      const handler: Dispatcher.DispatchHandler = {
        onRequestStart(c) {
          controller = c;
          if (finished) c.abort(CLIENT_GONE);
        },
        onResponseStart(c, statusCode, headers) {
          if (statusCode === 401 && refresh) {
            retrying = true;
            return;
          }
          started = true;
          status = statusCode;
          // Corked until the end of this tick: a response that arrives in one read (head, body and end) leaves in
          // one writev instead of one write per part (and, when chunked, a separate write for the last chunk).
          res.cork();
          process.nextTick(uncork, res);
          res.writeHead(statusCode, forwardableResponseHeaders(headers));
          resolve(statusCode);
        },
        onResponseData(c, chunk) {
          if (retrying) return;
          bytes += chunk.length;
          if (!res.write(chunk)) {
            c.pause();
            res.once('drain', () => c.resume());
          }
        },
        onResponseEnd() {
          if (retrying) {
            refresh!().then((token) => {
              if (!finished) attempt(`Bearer ${token}`, undefined);
            }, fail);
            return;
          }
          finished = true;
          res.end();
          job.onEnd(status, bytes);
        },
        onResponseError(_c, err) {
          if (started) {
            if (finished) return;
            finished = true;
            res.destroy();
            job.onEnd(status, bytes);
            return;
          }
          fail(upstreamFailure(err, job.origin));
        },
      };
      const headers = authorization === undefined ? job.headers : [...job.headers, 'authorization', authorization];
      pool.dispatch({ method: job.method as Dispatcher.HttpMethod, path: job.path, headers, body: job.body }, handler);
    };

    const fail = (err: unknown): void => {
      if (finished) return;
      finished = true;
      reject(err);
    };

    attempt(job.authorization, job.refresh);
  });
}

/**
 * The response headers to relay, as a flat [name, value, ...] list: building a new list is cheaper than deleting
 * from undici's object (which turns it into a slow dictionary) and lets writeHead skip its own object walk.
 */
function forwardableResponseHeaders(headers: IncomingHttpHeaders): string[] {
  const connection = headers.connection;
  const named = connection === undefined ? undefined : connectionTokens(Array.isArray(connection) ? connection.join(',') : connection);
  const flat: string[] = [];
  for (const name in headers) {
    if (DROPPED_RESPONSE_HEADERS.has(name) || name.startsWith('access-control-') || named?.has(name)) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === 'string') flat.push(name, value);
    else for (const one of value) flat.push(name, one);
  }
  return flat;
}

function uncork(res: ServerResponse): void {
  res.uncork();
}

/** OpenSSL/Node verification failures: the upstream is reachable, the chain is not trusted (P11). */
const UNTRUSTED_CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE', 'INVALID_CA',
]);

/** Maps an undici failure to 502/504; only the error code is exposed, never upstream text. */
export function upstreamFailure(err: unknown, origin: string): Error {
  if (err instanceof ProxyRejection) return err;
  const e = err as { code?: string; name?: string; cause?: { code?: string } };
  const code = e?.code ?? e?.cause?.code ?? 'unknown';
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return new ProxyRejection('ERR_UPSTREAM_TIMEOUT', `${origin} did not answer in time (${code}).`);
  }
  if (UNTRUSTED_CERT_CODES.has(code)) {
    return new ProxyRejection(
      'ERR_UPSTREAM_CERT',
      `${origin} answered, but its certificate is not trusted (${code}); trust a private CA with --upstream-ca FILE or NODE_EXTRA_CA_CERTS for the daemon.`,
    );
  }
  if (code === 'UND_ERR_REQ_CONTENT_LENGTH_MISMATCH') return new ProxyRejection('ERR_BAD_REQUEST', 'The request body does not match its Content-Length.', { close: true });
  return new ProxyRejection('ERR_UPSTREAM', `${origin} could not be reached (${String(code).replace(/[^\w.-]/g, '')}).`);
}
