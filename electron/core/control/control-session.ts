/** One accepted control connection: reads bounded lines, checks each envelope, hands calls to the owner's dispatcher, answers, and pushes events. */
import type { Socket } from 'node:net';
import { isControlMethod, type CallOutcome, type ControlMethod } from '../../../shared/contract.ts';
import { toErrorPayload, type ErrorCode, type ErrorPayload } from '../../../shared/errors.ts';
import type { CallContext, ControlHandler } from './control-handler.ts';
import { LineSplitter } from './line-splitter.ts';
import {
  CONTROL_PROTOCOL_VERSION,
  RPC_CODES,
  RequestEnvelope,
  describeIssues,
  encodeError,
  encodeEvent,
  encodeResult,
  isProtocolMethod,
  parseLine,
  salvageId,
  type RequestId,
} from './protocol.ts';

export interface SessionOptions {
  handler: ControlHandler;
  maxLineBytes: number;
  log?: (line: string) => void;
  /** Calls running at once on this connection; past it we stop reading, which pushes back on the client. */
  maxInFlight?: number;
  /** Output a client has not read yet; past it the client is too slow and is dropped. */
  maxWriteBufferBytes?: number;
  /** After an oversize line, how long the peer gets to read our answer before the socket is destroyed. */
  lingerMs?: number;
  /** Names the peer process (best effort); see core/peer/unix-peer.ts. */
  identifyPeer?: CallContext['caller'];
}

const UNIDENTIFIED = { description: 'an unidentified local process', key: 'control:unknown' };

export class ControlSession {
  readonly #socket: Socket;
  readonly #options: SessionOptions;
  readonly #splitter: LineSplitter;
  readonly #maxInFlight: number;
  readonly #maxWriteBufferBytes: number;
  #inFlight = 0;
  /** Lines read but not yet handled; bounded by one read chunk, because reading stops while it is non-empty. */
  #queue: Buffer[] = [];
  #unsubscribe: (() => void) | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  readonly #closed = new AbortController();
  #caller: ReturnType<CallContext['caller']> | undefined;
  readonly #context: CallContext = {
    caller: () => (this.#caller ??= this.#options.identifyPeer?.().catch(() => UNIDENTIFIED) ?? Promise.resolve(UNIDENTIFIED)),
    signal: this.#closed.signal,
  };

  constructor(socket: Socket, options: SessionOptions) {
    this.#socket = socket;
    this.#options = options;
    this.#splitter = new LineSplitter(options.maxLineBytes);
    this.#maxInFlight = options.maxInFlight ?? 16;
    this.#maxWriteBufferBytes = options.maxWriteBufferBytes ?? 8 * 1024 * 1024;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE/ECONNRESET are ordinary when a CLI exits mid-answer.
      if (err.code !== 'EPIPE' && err.code !== 'ECONNRESET') options.log?.(`control: connection error ${err.code ?? 'unknown'}`);
    });
    socket.once('close', () => {
      this.#closed.abort();
      this.#queue = [];
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
      clearTimeout(this.#lingerTimer);
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #onData(chunk: Buffer): void {
    for (const event of this.#splitter.push(chunk)) {
      if (event.type === 'too-large') {
        this.#drain();
        this.#rejectOversize();
        return;
      }
      this.#queue.push(event.line);
    }
    this.#drain();
  }

  /** Handles queued lines in arrival order while fewer than maxInFlight calls run; stops reading otherwise. */
  #drain(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#maxInFlight) this.#onLine(this.#queue.shift()!);
    if (this.#splitter.overflowed) return;
    if (this.#queue.length > 0) this.#socket.pause();
    else this.#socket.resume();
  }

  #rejectOversize(): void {
    const limit = this.#options.maxLineBytes;
    this.#options.log?.(`control: closed a connection that sent a line over ${limit} bytes`);
    this.#send(encodeError(null, { code: 'ERR_TOO_LARGE', message: `A control message is longer than ${limit} bytes.` }));
    // The splitter now drops further input, so the rest of the line costs nothing while the answer drains.
    this.#socket.end();
    this.#lingerTimer = setTimeout(() => this.#socket.destroy(), this.#options.lingerMs ?? 2000);
    this.#lingerTimer.unref();
  }

  #onLine(line: Buffer): void {
    let message: unknown;
    try {
      message = parseLine(line);
    } catch {
      this.#sendError(null, 'ERR_PROTOCOL', 'The control message is not valid UTF-8 JSON.', RPC_CODES.parseError);
      return;
    }
    if (message === undefined) return;
    const envelope = RequestEnvelope.safeParse(message);
    if (!envelope.success) {
      const detail = describeIssues(envelope.error);
      this.#sendError(salvageId(message), 'ERR_PROTOCOL', `Not a JSON-RPC 2.0 request: ${detail}`, RPC_CODES.invalidRequest);
      return;
    }
    const { id, method, params } = envelope.data;
    if (isProtocolMethod(method)) {
      this.#onProtocolMethod(id, method);
      return;
    }
    if (!isControlMethod(method)) {
      this.#sendError(id, 'ERR_PROTOCOL', `Unknown method ${JSON.stringify(method.slice(0, 64))}.`, RPC_CODES.methodNotFound);
      return;
    }
    this.#run(id, method, params);
  }

  #onProtocolMethod(id: RequestId, method: 'ping' | 'subscribe' | 'unsubscribe'): void {
    if (method === 'ping') {
      this.#send(encodeResult(id, { protocol: CONTROL_PROTOCOL_VERSION, pid: process.pid }));
      return;
    }
    if (method === 'subscribe') {
      if (!this.#unsubscribe) {
        try {
          this.#unsubscribe = this.#options.handler.subscribe((event) => this.#sendEvent(event));
        } catch (err) {
          this.#sendError(id, toErrorPayload(err).code, toErrorPayload(err).message);
          return;
        }
      }
      this.#send(encodeResult(id, true));
      return;
    }
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#send(encodeResult(id, true));
  }

  /** The handler validates the params (the owner's dispatcher); refused ones answer invalidParams. */
  #run(id: RequestId, method: ControlMethod, params: unknown): void {
    this.#inFlight += 1;
    let pending: Promise<CallOutcome>;
    try {
      pending = this.#options.handler.call(method, params, this.#context);
    } catch (err) {
      pending = Promise.reject(err);
    }
    pending
      .then(
        (outcome) => {
          if (!outcome.ok) {
            this.#failed(id, method, outcome.error, outcome.cause, outcome.stage === 'arguments' ? RPC_CODES.invalidParams : undefined);
            return;
          }
          let line: string;
          try {
            line = encodeResult(id, outcome.value);
          } catch {
            this.#options.log?.(`control: ${method} returned a result that is not JSON`);
            this.#sendError(id, 'ERR_INTERNAL', toErrorPayload(undefined).message);
            return;
          }
          this.#send(line);
        },
        (err: unknown) => this.#failed(id, method, toErrorPayload(err), err),
      )
      .finally(() => {
        this.#inFlight -= 1;
        this.#drain();
      });
  }

  #failed(id: RequestId, method: ControlMethod, payload: ErrorPayload, cause: unknown, rpcCode?: number): void {
    // Only the class name is logged: a foreign error's message may quote a secret (SECURITY S7).
    if (payload.code === 'ERR_INTERNAL') this.#options.log?.(`control: ${method} failed (${errorName(cause)})`);
    this.#sendError(id, payload.code, payload.message, rpcCode);
  }

  #sendEvent(event: Parameters<typeof encodeEvent>[0]): void {
    let line: string;
    try {
      line = encodeEvent(event);
    } catch {
      return;
    }
    this.#send(line);
  }

  #sendError(id: RequestId | null, code: ErrorCode, message: string, rpcCode?: number): void {
    this.#send(encodeError(id, { code, message }, rpcCode));
  }

  #send(line: string): void {
    const socket = this.#socket;
    if (socket.destroyed || !socket.writable) return;
    socket.write(line);
    if (socket.writableLength > this.#maxWriteBufferBytes) {
      this.#options.log?.('control: dropped a client that does not read its answers');
      socket.destroy();
    }
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : typeof err;
}
