/** The `app://bundle/` protocol handler: serves the built renderer with a strict CSP and refuses path traversal (SECURITY E2, E3). */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { APP_HOST, APP_SCHEME } from './app-origin.ts';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'none'",
  "object-src 'none'",
  "frame-src 'none'",
  "worker-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export interface ResolvedPath {
  status: 200 | 403 | 404;
  file?: string;
}

/**
 * Maps a request URL to a file under root. Traversal is judged on the decoded segments, so
 * `..`, `%2e%2e`, `%2f` and backslashes are all refused rather than normalised away.
 */
export function resolveAppPath(rawUrl: string, root: string): ResolvedPath {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { status: 404 };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return { status: 404 };
  // Check the raw text too: a URL parser may already have collapsed `/../` before we see it.
  const rawPath = rawUrl.slice(rawUrl.indexOf(APP_HOST) + APP_HOST.length).split(/[?#]/)[0] ?? '';
  const segments: string[] = [];
  const sources = [rawPath, url.pathname];
  for (const [index, source] of sources.entries()) {
    for (const raw of source.split('/')) {
      let seg: string;
      try {
        seg = decodeURIComponent(raw);
      } catch {
        return { status: 403 };
      }
      if (seg === '..' || seg === '.' || /[\\/\0:]/.test(seg)) return { status: 403 };
      if (index === 1 && seg !== '') segments.push(seg);
    }
  }
  const rootAbs = path.resolve(root);
  const file = path.resolve(rootAbs, ...(segments.length ? segments : ['index.html']));
  if (file !== rootAbs && !file.startsWith(rootAbs + path.sep)) return { status: 403 };
  if (!MIME[path.extname(file).toLowerCase()]) return { status: 404 };
  return { status: 200, file };
}

function errorResponse(status: 403 | 404): Response {
  return new Response(status === 403 ? 'Forbidden' : 'Not found', {
    status,
    headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

export type FileReader = (file: string) => Promise<Uint8Array>;

/** The handler given to `protocol.handle('app', …)`; plain fetch Request/Response, so it runs in tests. */
export function createAppProtocolHandler(root: string, read: FileReader = readFile): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return errorResponse(403);
    const resolved = resolveAppPath(request.url, root);
    if (resolved.status !== 200 || !resolved.file) return errorResponse(resolved.status === 200 ? 404 : resolved.status);
    let body: Uint8Array;
    try {
      body = await read(resolved.file);
    } catch {
      return errorResponse(404);
    }
    const type = MIME[path.extname(resolved.file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: { ...SECURITY_HEADERS, 'Content-Type': type, 'Cache-Control': 'no-store' },
    });
  };
}

export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Promise<Response>): void;
}

/** Must run before `app.ready`: a standard, secure scheme gets a real origin; no fetch/CORS/service-worker privileges. */
export function registerAppScheme(protocol: Pick<ProtocolLike, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: false, corsEnabled: false, allowServiceWorkers: false, stream: false } },
  ]);
}

export function registerAppProtocol(protocol: Pick<ProtocolLike, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(root));
}
