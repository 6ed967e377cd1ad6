/** The owner side of the control socket: a private unix socket or named pipe serving the contract as JSON-RPC. */
import { createServer, type Server, type Socket } from 'node:net';
import { unlink } from 'node:fs/promises';
import { TokenwardenError } from '../base/errors.ts';
import type { ControlHandler } from './control-handler.ts';
import { connectControl } from './control-client.ts';
import { assertSocketPathFits, isNamedPipePath } from './control-path.ts';
import { ControlSession } from './control-session.ts';
import { identifyUnixPeer } from '../peer/unix-peer.ts';
import { DEFAULT_MAX_LINE_BYTES } from './protocol.ts';
import { errnoCode, inspectSocketFile, listenRestricted, preparePrivateDir } from './socket-file.ts';

export interface ControlServerOptions {
  path: string;
  handler: ControlHandler;
  /** One line per lifecycle event; never carries params, results or tokens. */
  log?: (line: string) => void;
  maxLineBytes?: number;
  /** How long an existing socket's owner gets to answer `ping` before we call it foreign. */
  probeTimeoutMs?: number;
  maxConnections?: number;
}

export interface ControlServer {
  path: string;
  close(): Promise<void>;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 1000;
export const DEFAULT_MAX_CONNECTIONS = 64;

/**
 * Something already occupies the path. A stale socket (connect refused) is ours to replace; a live
 * Tokenwarden or a stranger is not, and is never unlinked.
 */
async function clearStaleSocket(socketPath: string, probeTimeoutMs: number, log?: (line: string) => void): Promise<void> {
  const state = await inspectSocketFile(socketPath);
  if (state.kind === 'missing') return;
  if (state.kind === 'not-a-socket') {
    throw new TokenwardenError('ERR_FORBIDDEN', `${socketPath} exists and is not a socket; refusing to replace it.`);
  }
  if (state.kind === 'foreign-owner') {
    throw new TokenwardenError('ERR_FORBIDDEN', `${socketPath} belongs to another user; refusing to replace it.`);
  }
  let probeError: unknown;
  try {
    const client = await connectControl(socketPath, { timeoutMs: probeTimeoutMs });
    const pid = client.peer.pid;
    client.close();
    throw new TokenwardenError('ERR_BUSY', `A Tokenwarden process (pid ${pid}) already serves ${socketPath}.`);
  } catch (err) {
    if (err instanceof TokenwardenError && err.code === 'ERR_BUSY') throw err;
    probeError = err;
  }
  const cause = probeError instanceof TokenwardenError ? probeError.cause : undefined;
  if (errnoCode(cause) !== 'ECONNREFUSED') {
    // The owner may have exited between our bind attempt and the probe: then the path is simply free.
    if ((await inspectSocketFile(socketPath)).kind === 'missing') return;
    throw new TokenwardenError(
      'ERR_BUSY',
      `Another process holds ${socketPath} and does not speak the Tokenwarden protocol; not taking it over.`,
      { cause: probeError },
    );
  }
  if (isNamedPipePath(socketPath)) return;
  try {
    await unlink(socketPath);
    log?.(`control: removed stale socket ${socketPath}`);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
}

async function listenOnce(server: Server, socketPath: string): Promise<'listening' | 'in-use'> {
  try {
    await listenRestricted(server, socketPath);
    return 'listening';
  } catch (err) {
    if (errnoCode(err) === 'EADDRINUSE') return 'in-use';
    throw new TokenwardenError('ERR_INTERNAL', `Cannot listen on ${socketPath} (${errnoCode(err) ?? 'unknown error'}).`, { cause: err });
  }
}

/**
 * Listens on `path`, replacing a stale socket file. The caller must hold the owner lock: between
 * "stale" and "unlink" another starter could otherwise race us. Access control is the 0700 parent
 * directory plus the 0600 socket: Node exposes no SO_PEERCRED/getpeereid without a native addon,
 * so the peer's uid is not checked separately (see ARCHITECTURE, control socket).
 */
export async function startControlServer(options: ControlServerOptions): Promise<ControlServer> {
  const { path: socketPath, handler, log } = options;
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  assertSocketPathFits(socketPath);
  await preparePrivateDir(socketPath, log);

  const sessions = new Set<ControlSession>();
  const server = createServer({ allowHalfOpen: false }, (socket: Socket) => {
    const session = new ControlSession(socket, { handler, maxLineBytes, log, identifyPeer: () => identifyUnixPeer(socket) });
    sessions.add(session);
    socket.once('close', () => sessions.delete(session));
  });
  server.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS;

  let result = await listenOnce(server, socketPath);
  if (result === 'in-use') {
    await clearStaleSocket(socketPath, options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS, log);
    result = await listenOnce(server, socketPath);
    if (result === 'in-use') throw new TokenwardenError('ERR_BUSY', `${socketPath} was taken by another process while starting.`);
  }
  // Attached only now: bind errors above are answered, not logged.
  server.on('error', (err) => log?.(`control: server error ${errnoCode(err) ?? 'unknown'}`));
  log?.(`control: listening on ${socketPath}`);

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        // close() stops accepting and, for a unix socket, unlinks the path; open sessions are ended here.
        server.close(() => {
          log?.('control: closed');
          resolve();
        });
        for (const session of sessions) session.destroy();
      });
      return closing;
    },
  };
}

export type { ControlHandler } from './control-handler.ts';
