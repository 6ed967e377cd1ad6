/**
 * One call over the owner's control socket, for the fast path. It checks the socket file and makes the `ping`
 * handshake as electron/core/control/control-client.ts does; until the call is written, any trouble returns
 * undefined so the full CLI can take over (and retry, or explain). Once the call is out it is never sent
 * twice: a failure from then on is the TokenwardenError the full client would give for it.
 */
import { lstatSync } from 'node:fs';
import { createConnection, type Socket } from 'node:net';
import { TokenwardenError } from '../../core/base/errors.ts';
import { LineSplitter } from '../../core/control/line-splitter.ts';
import { MAX_UNIX_SOCKET_PATH_BYTES, isNamedPipePath } from '../../core/control/control-path.ts';
import { CLIENT_MAX_LINE_BYTES, classifyMessage, encodeRequest, isPingResult, parseLine, payloadFromError } from './fast-wire.ts';

export interface FastCall {
  /** The result of the one call; rejects with a TokenwardenError. */
  call(method: string, params: unknown[]): Promise<unknown>;
  close(): void;
}

/** DEFAULT_CONNECT_TIMEOUT_MS of control-client.ts: connect plus the handshake. */
const CONNECT_TIMEOUT_MS = 2000;

interface Pending {
  id: number;
  resolve(value: unknown): void;
  reject(err: TokenwardenError): void;
}

class FastConnection implements FastCall {
  readonly #socket: Socket;
  readonly #splitter = new LineSplitter(CLIENT_MAX_LINE_BYTES);
  #pending: Pending | undefined;
  #failure: TokenwardenError | undefined;
  #nextId = 1;

  constructor(socket: Socket) {
    this.#socket = socket;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('close', () => this.#fail(new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The control connection closed.')));
  }

  call(method: string, params: unknown[]): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending = { id, resolve, reject };
      this.#socket.write(encodeRequest(id, method, params));
    });
  }

  close(): void {
    this.#fail(new TokenwardenError('ERR_CANCELLED', 'The control connection was closed by this client.'));
    this.#socket.destroy();
  }

  #abort(message: string): void {
    this.#fail(new TokenwardenError('ERR_PROTOCOL', message));
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#splitter.push(chunk)) {
      if (event.type === 'too-large') return this.#abort('The control socket sent a line over the size limit.');
      let value: unknown;
      try {
        value = parseLine(event.line);
      } catch {
        return this.#abort('The control socket sent something that is not JSON.');
      }
      if (value === undefined) continue;
      const message = classifyMessage(value);
      if (!message) return this.#abort('The control socket sent a message outside the protocol.');
      if (message.kind === 'event') continue;
      const pending = this.#pending;
      if (!pending || message.id !== pending.id) return this.#abort('The control socket answered a request that was never sent.');
      this.#pending = undefined;
      if (message.kind === 'error') {
        const payload = payloadFromError(message.error);
        pending.reject(new TokenwardenError(payload.code, payload.message));
      } else pending.resolve(message.result);
    }
  }

  #fail(err: TokenwardenError): void {
    this.#failure ??= err;
    const pending = this.#pending;
    this.#pending = undefined;
    pending?.reject(this.#failure);
  }
}

/** A connection that answered `ping` as a Tokenwarden owner does, or undefined (the full CLI then decides). */
export async function connectFast(socketPath: string, timeoutMs = CONNECT_TIMEOUT_MS): Promise<FastCall | undefined> {
  if (!isOwnSocket(socketPath)) return undefined;
  const socket = createConnection({ path: socketPath });
  socket.on('error', () => {
    // 'close' follows; before the call is out any failure means "let the full CLI decide".
  });
  const timer = setTimeout(() => socket.destroy(), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('close', reject);
    });
    const connection = new FastConnection(socket);
    const pong = await connection.call('ping', []);
    if (isPingResult(pong)) return connection;
    connection.close();
    return undefined;
  } catch {
    socket.destroy();
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * What inspectSocketFile (socket-file.ts) calls `socket`: a socket file of this user's, never another user's,
 * which could answer with a token of its choosing. Synchronous, because node:fs/promises alone costs ~3 ms to
 * load. Anything else (missing, stale, not a socket, foreign, too long) is the full client's to explain.
 */
function isOwnSocket(socketPath: string): boolean {
  if (isNamedPipePath(socketPath)) return true;
  if (Buffer.byteLength(socketPath) > MAX_UNIX_SOCKET_PATH_BYTES) return false;
  let info;
  try {
    info = lstatSync(socketPath);
  } catch {
    return false;
  }
  if (!info.isSocket()) return false;
  return typeof process.getuid !== 'function' || info.uid === process.getuid();
}
