/**
 * MCP over stdio with bounded buffers. Unlike the SDK's StdioServerTransport (which closes on a line over
 * 10 MB and ignores the end of stdin), an oversized message is discarded and answered, and the end of stdin
 * closes the transport so the server can revoke its key and exit.
 */
import type { Readable, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { JSONRPCMessageSchema, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

export interface StdioLineTransportOptions {
  maxMessageBytes: number;
  log: (line: string) => void;
}

/** How much of an oversized line is kept to find its id and method, at each end. */
const PEEK_BYTES = 512;
const ID_AT_END = /"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){1,128}")\s*\}\s*$/;
const ID_AT_START = /^\s*\{\s*(?:"jsonrpc"\s*:\s*"2\.0"\s*,\s*)?"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){1,128}")/;

export class StdioLineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #stdin: Readable;
  readonly #stdout: Writable;
  readonly #options: StdioLineTransportOptions;
  #parts: Buffer[] = [];
  #size = 0;
  /** Set while the rest of an oversized line is skipped; holds its first bytes. */
  #oversized: Buffer | undefined;
  #tail: Buffer = Buffer.alloc(0);
  #closed = false;

  constructor(stdin: Readable, stdout: Writable, options: StdioLineTransportOptions) {
    this.#stdin = stdin;
    this.#stdout = stdout;
    this.#options = options;
  }

  async start(): Promise<void> {
    this.#stdin.on('data', (chunk: Buffer | string) => this.#onData(typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
    this.#stdin.once('end', () => void this.close());
    this.#stdin.once('close', () => void this.close());
    this.#stdin.on('error', () => void this.close());
    // EPIPE: the client is gone, so nobody can read an answer any more.
    this.#stdout.on('error', () => void this.close());
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed) return;
    const line = `${JSON.stringify(message)}\n`;
    if (!this.#stdout.write(line)) await new Promise<void>((resolve) => this.#stdout.once('drain', resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#parts = [];
    this.#stdin.pause();
    this.onclose?.();
  }

  #onData(chunk: Buffer): void {
    let from = 0;
    while (!this.#closed) {
      const newline = chunk.indexOf(0x0a, from);
      if (newline < 0) {
        this.#append(chunk.subarray(from));
        return;
      }
      this.#append(chunk.subarray(from, newline));
      this.#endLine();
      from = newline + 1;
    }
  }

  #append(part: Buffer): void {
    if (part.length === 0) return;
    if (this.#oversized) {
      this.#tail = Buffer.concat([this.#tail, part]).subarray(-PEEK_BYTES);
      return;
    }
    if (this.#size + part.length > this.#options.maxMessageBytes) {
      this.#oversized = Buffer.concat([...this.#parts, part]).subarray(0, PEEK_BYTES);
      this.#tail = Buffer.concat([...this.#parts.slice(-2), part]).subarray(-PEEK_BYTES);
      this.#parts = [];
      this.#size = 0;
      return;
    }
    this.#parts.push(part);
    this.#size += part.length;
  }

  #endLine(): void {
    if (this.#oversized) {
      const head = this.#oversized.toString('utf8');
      const tail = this.#tail.toString('utf8');
      this.#oversized = undefined;
      this.#tail = Buffer.alloc(0);
      this.#answerOversized(head, tail);
      return;
    }
    const line = Buffer.concat(this.#parts, this.#size).toString('utf8').replace(/\r$/, '');
    this.#parts = [];
    this.#size = 0;
    if (!line.trim()) return;
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(line));
    } catch {
      this.#options.log('ignored a line on stdin that is not a JSON-RPC message');
      return;
    }
    this.onmessage?.(message);
  }

  /** The client's request must not hang: answer it when its id can be read from either end of the line. */
  #answerOversized(head: string, tail: string): void {
    const limit = `${Math.floor(this.#options.maxMessageBytes / (1024 * 1024))} MiB`;
    this.#options.log(`discarded a message larger than ${limit}`);
    const raw = ID_AT_END.exec(tail)?.[1] ?? ID_AT_START.exec(head)?.[1];
    if (raw === undefined) return;
    const id = JSON.parse(raw) as string | number;
    const text = `The request is larger than ${limit}, so it was not read. Send a smaller body (the http_request body limit is lower still).`;
    const isToolCall = /"method"\s*:\s*"tools\/call"/.test(head) || /"method"\s*:\s*"tools\/call"/.test(tail);
    void this.send(
      isToolCall
        ? { jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `ERR_TOO_LARGE: ${text}` }], isError: true } }
        : { jsonrpc: '2.0', id, error: { code: -32600, message: text } },
    );
  }
}
