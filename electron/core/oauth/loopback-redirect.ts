/** The one-shot loopback redirect listener for the system-browser login (RFC 8252; SECURITY O2, O3). */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenwardenError } from '../base/errors.ts';

export const REDIRECT_TIMEOUT_MS = 5 * 60_000;

const DONE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Tokenwarden</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>Login received</h1>
<p>You can close this tab and return to Tokenwarden.</p></body></html>`;

const BAD_STATE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Tokenwarden</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>Not this login</h1>
<p>This link does not belong to the login Tokenwarden is waiting for. Tokenwarden is still waiting.</p></body></html>`;

const PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
  connection: 'close',
} as const;

function sameState(received: string | null, expected: string): boolean {
  if (received === null) return false;
  const a = Buffer.from(received);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The request target as a URL, or undefined for anything but a plain origin-form path: `GET //` would make
 * `new URL` throw inside the listener (an uncaught exception in the owner), and `//host/path` would parse
 * with a foreign host (O2).
 */
function parseTarget(target: string | undefined): URL | undefined {
  if (!target?.startsWith('/') || target.startsWith('//')) return undefined;
  try {
    const url = new URL(target, 'http://127.0.0.1');
    return url.host === '127.0.0.1' ? url : undefined;
  } catch {
    return undefined;
  }
}

export interface LoopbackRedirect {
  /** `http://127.0.0.1:PORT/callback/…`: the IP literal, never `localhost` (RFC 8252 §8.3). */
  readonly redirectUri: string;
  /** Resolves with the full callback URL of the one accepted GET; rejects on timeout or close. */
  readonly result: Promise<URL>;
  close(): Promise<void>;
}

export interface LoopbackRedirectOptions {
  path: string;
  /**
   * The `state` of this login. Only a GET that carries it ends the login; anything else on the path gets 400 and
   * the listener keeps waiting, so a local process or a web page cannot abort a login by guessing the path (O2).
   */
  state: string;
  /** Aborting closes the listener and rejects `result` with ERR_CANCELLED (Ctrl-C, a closed control connection). */
  signal?: AbortSignal;
  timeoutMs?: number;
  timers?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

export async function startLoopbackRedirect(options: LoopbackRedirectOptions): Promise<LoopbackRedirect> {
  const timers = options.timers ?? { setTimeout, clearTimeout };
  let accepted = false;
  let settle: { resolve: (url: URL) => void; reject: (err: Error) => void } | undefined;
  const result = new Promise<URL>((resolve, reject) => {
    settle = { resolve, reject };
  });
  // Nobody may be awaiting yet; an unobserved rejection must not crash the process.
  result.catch(() => undefined);

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const port = (server.address() as AddressInfo | null)?.port;
    const url = parseTarget(req.url);
    const ok = url !== undefined && !accepted && req.method === 'GET' && req.headers.host === `127.0.0.1:${port}` && url.pathname === options.path;
    if (!ok) {
      res.writeHead(404, { 'content-type': 'text/plain', connection: 'close' }).end('Not found');
      return;
    }
    if (!sameState(url.searchParams.get('state'), options.state)) {
      res.writeHead(400, PAGE_HEADERS).end(BAD_STATE_PAGE);
      return;
    }
    accepted = true;
    res.writeHead(200, PAGE_HEADERS);
    res.end(DONE_PAGE, () => void close());
    settle?.resolve(new URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${port}`));
  });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      timers.clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      settle?.reject(new TokenwardenError('ERR_CANCELLED', 'The login was cancelled.'));
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };

  const onAbort = (): void => void close();

  const timer = timers.setTimeout(() => {
    settle?.reject(new TokenwardenError('ERR_TIMEOUT', 'The login was not completed within 5 minutes.'));
    void close();
  }, options.timeoutMs ?? REDIRECT_TIMEOUT_MS);
  (timer as { unref?: () => void }).unref?.();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // Registered only once listening, so an abort can never close a server that is about to listen.
  if (options.signal?.aborted) {
    await close();
    throw new TokenwardenError('ERR_CANCELLED', 'The login was cancelled.');
  }
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}${options.path}`, result, close };
}
