/** The one-shot loopback redirect listener for the system-browser login (RFC 8252; SECURITY O2, O3). */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { TokenwardenError } from '../errors.ts';

export const REDIRECT_TIMEOUT_MS = 5 * 60_000;

const DONE_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Tokenwarden</title></head>
<body style="font-family:system-ui;margin:3rem"><h1>Login received</h1>
<p>You can close this tab and return to Tokenwarden.</p></body></html>`;

/** Each issuer gets its own path, so a code from IdP A arriving at B's callback is refused (mix-up, O3). */
export function callbackPathFor(issuer: string): string {
  return `/callback/${createHash('sha256').update(issuer).digest('base64url').slice(0, 16)}`;
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
    accepted = true;
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      connection: 'close',
    });
    res.end(DONE_PAGE, () => void close());
    settle?.resolve(new URL(`${url.pathname}${url.search}`, `http://127.0.0.1:${port}`));
  });

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      timers.clearTimeout(timer);
      settle?.reject(new TokenwardenError('ERR_CANCELLED', 'The login was cancelled.'));
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };

  const timer = timers.setTimeout(() => {
    settle?.reject(new TokenwardenError('ERR_TIMEOUT', 'The login was not completed within 5 minutes.'));
    void close();
  }, options.timeoutMs ?? REDIRECT_TIMEOUT_MS);
  (timer as { unref?: () => void }).unref?.();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { redirectUri: `http://127.0.0.1:${port}${options.path}`, result, close };
}
