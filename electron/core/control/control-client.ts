/** The CLI side of the control socket: connects, proves the peer speaks the protocol, then makes calls. */
import { createConnection, type Socket } from 'node:net';
import type { ControlMethod } from '../../../shared/contract.ts';
import type { ErrorCode } from '../../../shared/errors.ts';
import type { AppEvent } from '../../../shared/model.ts';
import { TokenwardenError } from '../base/errors.ts';
import { assertSocketPathFits } from './control-path.ts';
import { LineSplitter } from './line-splitter.ts';
import {
  DEFAULT_CLIENT_MAX_LINE_BYTES,
  IncomingMessage,
  PingResult,
  encodeRequest,
  parseLine,
  payloadFromError,
  type PingResult as PingResultType,
  type ProtocolMethod,
} from './protocol.ts';
import { errnoCode, inspectSocketFile } from './socket-file.ts';

export interface ControlClient {
  /** Rejects with a TokenwardenError carrying the remote code and message. */
  call<T = unknown>(method: ControlMethod, params?: unknown[]): Promise<T>;
  /** Subscribes on first use; the returned function drops this listener (and the subscription with the last one). */
  onEvent(listener: (e: AppEvent) => void): Promise<() => void>;
  close(): void;
  /** Settles when the connection is gone, whoever closed it. */
  readonly closed: Promise<void>;
  /** What the server said about itself in the handshake. */
  readonly peer: PingResultType;
}

export interface ConnectOptions {
  /** Covers connect plus the `ping` handshake. */
  timeoutMs?: number;
  maxLineBytes?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 2000;

interface Pending {
  resolve(value: unknown): void;
  reject(err: TokenwardenError): void;
}

/** JSON turns a trailing `undefined` into `null`, which optional-argument schemas refuse. */
function trimTrailingUndefined(params: readonly unknown[]): unknown[] {
  let end = params.length;
  while (end > 0 && params[end - 1] === undefined) end -= 1;
  return params.slice(0, end);
}

class ControlConnection {
  readonly closed: Promise<void>;
  peer: PingResultType = { protocol: 1, pid: 0 };
  readonly #socket: Socket;
  readonly #splitter: LineSplitter;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(e: AppEvent) => void>();
  #subscription: Promise<void> | undefined;
  #nextId = 1;
  #failure: TokenwardenError | undefined;
  #markClosed!: () => void;

  constructor(socket: Socket, maxLineBytes: number) {
    this.#socket = socket;
    this.#splitter = new LineSplitter(maxLineBytes);
    this.closed = new Promise((resolve) => {
      this.#markClosed = resolve;
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {
      // 'close' follows and settles everything; the errno itself says nothing the caller can use.
    });
    socket.on('close', () => {
      this.#fail(new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The control connection closed.'));
      this.#markClosed();
    });
  }

  request(method: ControlMethod | ProtocolMethod, params: readonly unknown[] = []): Promise<unknown> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    let line: string;
    try {
      line = encodeRequest(id, method, trimTrailingUndefined(params));
    } catch {
      return Promise.reject(new TokenwardenError('ERR_INVALID_INPUT', 'The call arguments cannot be sent as JSON.'));
    }
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#socket.write(line);
    });
  }

  async onEvent(listener: (e: AppEvent) => void): Promise<() => void> {
    this.#listeners.add(listener);
    if (!this.#subscription) {
      const subscription = this.request('subscribe').then(() => undefined);
      this.#subscription = subscription;
      subscription.catch(() => {
        if (this.#subscription === subscription) this.#subscription = undefined;
      });
    }
    try {
      await this.#subscription;
    } catch (err) {
      this.#listeners.delete(listener);
      throw err;
    }
    return () => {
      if (!this.#listeners.delete(listener) || this.#listeners.size > 0) return;
      this.#subscription = undefined;
      this.request('unsubscribe').catch(() => undefined);
    };
  }

  close(): void {
    this.#fail(new TokenwardenError('ERR_CANCELLED', 'The control connection was closed by this client.'));
    this.#socket.destroy();
  }

  /** Ends the connection because the peer broke the protocol; every waiting call learns why. */
  abort(code: ErrorCode, message: string): void {
    this.#fail(new TokenwardenError(code, message));
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#splitter.push(chunk)) {
      if (event.type === 'too-large') return this.abort('ERR_PROTOCOL', 'The control socket sent a line over the size limit.');
      let message: unknown;
      try {
        message = parseLine(event.line);
      } catch {
        return this.abort('ERR_PROTOCOL', 'The control socket sent something that is not JSON.');
      }
      if (message === undefined) continue;
      const parsed = IncomingMessage.safeParse(message);
      if (!parsed.success) return this.abort('ERR_PROTOCOL', 'The control socket sent a message outside the protocol.');
      this.#dispatch(parsed.data);
    }
  }

  #dispatch(message: IncomingMessage): void {
    if ('method' in message) {
      const [event] = message.params;
      for (const listener of [...this.#listeners]) {
        try {
          listener(event);
        } catch {
          // A faulty listener must not break the connection for the others.
        }
      }
      return;
    }
    if (typeof message.id !== 'number' || !this.#pending.has(message.id)) {
      // An error with id null answers a line the server could not read: none of ours, so the stream is out of step.
      return this.abort('ERR_PROTOCOL', 'The control socket answered a request that was never sent.');
    }
    const pending = this.#pending.get(message.id)!;
    this.#pending.delete(message.id);
    if ('error' in message) {
      const payload = payloadFromError(message.error);
      pending.reject(new TokenwardenError(payload.code, payload.message));
    } else {
      pending.resolve(message.result);
    }
  }

  #fail(err: TokenwardenError): void {
    if (!this.#failure) this.#failure = err;
    const waiting = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of waiting) pending.reject(this.#failure);
  }
}

function unreachable(message: string, cause?: unknown): TokenwardenError {
  return new TokenwardenError('ERR_DAEMON_UNREACHABLE', message, cause === undefined ? undefined : { cause });
}

function dial(socketPath: string, deadline: Promise<never>): Promise<Socket> {
  const socket = createConnection({ path: socketPath });
  const connected = new Promise<Socket>((resolve, reject) => {
    const onError = (err: Error): void => {
      const code = errnoCode(err);
      if (code === 'ECONNREFUSED') reject(unreachable(`Nothing listens on ${socketPath}; the socket file is stale.`, err));
      else if (code === 'ENOENT') reject(unreachable(`No Tokenwarden daemon is running (${socketPath} does not exist).`, err));
      else reject(unreachable(`Cannot connect to ${socketPath} (${code ?? 'unknown error'}).`, err));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(socket);
    });
  });
  return Promise.race([connected, deadline]).catch((err: unknown) => {
    socket.destroy();
    throw err;
  });
}

/**
 * ERR_DAEMON_UNREACHABLE when nothing listens (no file, or a stale one), ERR_PROTOCOL when something
 * listens but gives no valid `ping` answer in time, ERR_FORBIDDEN when the socket belongs to another user.
 */
export async function connectControl(socketPath: string, options: ConnectOptions = {}): Promise<ControlClient> {
  assertSocketPathFits(socketPath);
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  const state = await inspectSocketFile(socketPath);
  if (state.kind === 'missing') throw unreachable(`No Tokenwarden daemon is running (${socketPath} does not exist).`);
  if (state.kind === 'not-a-socket') throw unreachable(`${socketPath} is not a socket.`);
  if (state.kind === 'foreign-owner') {
    throw new TokenwardenError('ERR_FORBIDDEN', `${socketPath} belongs to another user; refusing to talk to it.`);
  }

  let phase: 'connect' | 'handshake' = 'connect';
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(
        phase === 'connect'
          ? unreachable(`Connecting to ${socketPath} timed out after ${timeoutMs} ms.`)
          : new TokenwardenError('ERR_PROTOCOL', `The process on ${socketPath} did not answer a ping within ${timeoutMs} ms.`),
      );
    }, timeoutMs);
  });
  try {
    const socket = await dial(socketPath, deadline);
    phase = 'handshake';
    const connection = new ControlConnection(socket, options.maxLineBytes ?? DEFAULT_CLIENT_MAX_LINE_BYTES);
    try {
      const answer = await Promise.race([connection.request('ping'), deadline]);
      const ping = PingResult.safeParse(answer);
      if (!ping.success) throw new TokenwardenError('ERR_PROTOCOL', 'The ping answer is not from a Tokenwarden control server.');
      connection.peer = ping.data;
    } catch (err) {
      connection.close();
      if (err instanceof TokenwardenError && err.code === 'ERR_PROTOCOL') throw err;
      throw new TokenwardenError('ERR_PROTOCOL', `The process on ${socketPath} does not speak the Tokenwarden protocol.`, { cause: err });
    }
    return {
      call: <T>(method: ControlMethod, params?: unknown[]) => connection.request(method, params) as Promise<T>,
      onEvent: (listener) => connection.onEvent(listener),
      close: () => connection.close(),
      closed: connection.closed,
      peer: connection.peer,
    };
  } finally {
    clearTimeout(timer);
  }
}
