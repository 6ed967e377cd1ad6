/** Builds the usage event the proxy emits after it responds, refusals included: never a token, key or query value. */
import type { IncomingMessage } from 'node:http';
import type { ProxyCaller } from '../access/access-control.ts';
import type { UsageEvent } from './backend.ts';
import { parseProxyAuthorization, type HeaderScan } from './guards.ts';
import type { Route } from './router.ts';

export interface UsageFacts {
  req: IncomingMessage;
  route: Route | undefined;
  scan: HeaderScan | undefined;
  /** The credential and origin a CONNECT tunnel was established for. */
  tunnel: { credential: { name: string }; origin: string } | undefined;
  status: number;
  bytes: number;
  started: number;
  code: string | undefined;
  /** The key passed verification (the master key today; an access key id once those exist). */
  key: string | undefined;
  /** Whether a claimed credential name exists; anything else is recorded as `(unknown)` (L1/S7). */
  known?: (name: string) => boolean;
}

/** L1/S7: `curl -x http://$KEY@host` puts the key where the name goes; only a real credential name is recorded. */
export function claimedName(name: string | undefined, known: ((name: string) => boolean) | undefined): string {
  if (!name) return '';
  if (name.toLowerCase().startsWith('twk_') || !isKnown(name, known)) return UNKNOWN_NAME;
  return name;
}

/** Runs in the refusal path, often while the vault is locked (the backend then throws): it must never throw itself. */
function isKnown(name: string, known: ((name: string) => boolean) | undefined): boolean {
  try {
    return known?.(name) ?? false;
  } catch {
    return false;
  }
}

export const UNKNOWN_NAME = '(unknown)';

/** The audit `key` field: `master` for the proxy key, else the access key's id (never the key itself). */
export function callerKey(caller: ProxyCaller | undefined): string | undefined {
  if (!caller) return undefined;
  return caller.kind === 'owner' ? 'master' : caller.id;
}

/** `a=1&b=2&a=3` -> `a&b&a`: the names tell what was asked, the values may be secrets. */
export function queryNames(target: string): string | undefined {
  const q = target.indexOf('?');
  if (q < 0) return undefined;
  const names: string[] = [];
  for (const part of target.slice(q + 1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    names.push((eq < 0 ? part : part.slice(0, eq)).slice(0, 128));
  }
  return names.join('&');
}

export function usageEventOf(f: UsageFacts): UsageEvent {
  const method = f.req.method ?? 'GET';
  const claimed = f.route ? undefined : claimedTarget(f);
  const target = f.route?.path ?? claimed?.path ?? '/';
  const q = target.indexOf('?');
  const length = f.scan?.contentLength;
  const event: UsageEvent = {
    name: f.route?.credential.name ?? claimed?.name ?? '',
    method,
    host: f.route?.origin ?? claimed?.origin ?? '',
    path: q < 0 ? target : target.slice(0, q),
    status: f.status,
    bytes: f.bytes,
    durationMs: performance.now() - f.started,
    mode: f.route?.mode ?? (f.tunnel ? 'connect' : claimed?.mode ?? 'gateway'),
  };
  const query = queryNames(target);
  if (query !== undefined) event.query = query;
  if (f.code) event.code = f.code;
  if (!f.route) event.unrouted = true;
  if (f.key) event.key = f.key;
  if (f.key && f.key !== 'master') event.keyId = f.key;
  event.keyPresented = f.scan ? f.scan.gatewayKey !== undefined || f.scan.proxyAuthorization !== undefined || f.tunnel !== undefined : false;
  if (length !== undefined) event.bytesIn = Number(length) || 0;
  else if (f.scan && f.scan.transferEncoding === undefined) event.bytesIn = 0;
  if (f.scan?.client) event.client = f.scan.client;
  const socket = f.req.socket;
  if (socket?.remotePort && socket.localPort) event.peer = { port: socket.remotePort, localPort: socket.localPort };
  return event;
}

/** What an unrouted request asked for: the gateway name segment, or the forward-proxy name and target origin. */
function claimedTarget(f: UsageFacts): { name: string; origin: string; path: string; mode: UsageEvent['mode'] } {
  const url = f.req.url ?? '/';
  if (f.tunnel) return { name: f.tunnel.credential.name, origin: f.tunnel.origin, path: url, mode: 'connect' };
  if (url.startsWith('/')) {
    const match = /^\/([A-Za-z0-9][A-Za-z0-9._-]{0,127})(?=[/?]|$)/.exec(url);
    return { name: claimedName(match?.[1], f.known), origin: '', path: match ? url.slice(match[0].length) || '/' : url, mode: 'gateway' };
  }
  const name = claimedName(parseProxyAuthorization(f.scan?.proxyAuthorization)?.name, f.known);
  try {
    const parsed = new URL(url);
    return { name, origin: parsed.origin, path: `${parsed.pathname}${parsed.search}`, mode: 'forward' };
  } catch {
    return { name, origin: '', path: '/', mode: 'forward' };
  }
}

/** CONNECT refusals reach the audit log too: a bad key or an unbound host must raise their alerts. */
export function connectRefusal(req: IncomingMessage, answer: { status: number; code: string }, started: number, key: string | undefined, unbound: boolean, known?: (name: string) => boolean): UsageEvent {
  let proxyAuthorization: string | undefined;
  for (let i = 0; i < req.rawHeaders.length; i += 2) if (req.rawHeaders[i]!.toLowerCase() === 'proxy-authorization') proxyAuthorization = req.rawHeaders[i + 1];
  const event: UsageEvent = {
    name: claimedName(parseProxyAuthorization(proxyAuthorization)?.name, known),
    method: 'CONNECT',
    host: /^[A-Za-z0-9.:[\]-]{1,300}$/.test(req.url ?? '') ? `https://${req.url}` : '',
    path: '/',
    status: answer.status,
    bytes: 0,
    durationMs: performance.now() - started,
    mode: 'connect',
    code: answer.code,
    unrouted: true,
    keyPresented: proxyAuthorization !== undefined,
  };
  if (key) event.key = key;
  if (unbound) event.unboundHost = true;
  if (req.socket?.remotePort && req.socket.localPort) event.peer = { port: req.socket.remotePort, localPort: req.socket.localPort };
  return event;
}
