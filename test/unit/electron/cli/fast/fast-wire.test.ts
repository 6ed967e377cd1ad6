/**
 * The fast path's hand-written protocol checks accept exactly what the zod schemas of protocol.ts accept, and
 * its colour rule is processIo's: both paths must read the same bytes the same way and print the same bytes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { processIo } from '../../../../../electron/cli/io.ts';
import { fastProcessIo } from '../../../../../electron/cli/fast/fast-io.ts';
import { CLIENT_MAX_LINE_BYTES, CONTROL_PROTOCOL_VERSION, classifyMessage, encodeRequest, isPingResult, parseLine, payloadFromError } from '../../../../../electron/cli/fast/fast-wire.ts';
import * as protocol from '../../../../../electron/core/control/protocol.ts';

const alert = { type: 'alert', level: 'info', code: 'X', name: null, message: 'm' };
const MESSAGES: unknown[] = [
  { jsonrpc: '2.0', id: 1, result: 'tok' },
  { jsonrpc: '2.0', id: 1, result: null },
  { jsonrpc: '2.0', id: 'a', result: [1, 2] },
  { jsonrpc: '2.0', id: 'x'.repeat(128), result: 1 },
  { jsonrpc: '2.0', id: 'x'.repeat(129), result: 1 },
  { jsonrpc: '2.0', id: '', result: 1 },
  { jsonrpc: '2.0', id: 1.5, result: 1 },
  { jsonrpc: '2.0', id: Number.MAX_SAFE_INTEGER + 2, result: 1 },
  { jsonrpc: '2.0', id: null, result: 1 },
  { jsonrpc: '2.0', id: 1 },
  { jsonrpc: '2.0', result: 1 },
  { jsonrpc: '2.0', id: 1, result: 1, extra: true },
  { jsonrpc: '1.0', id: 1, result: 1 },
  { id: 1, result: 1 },
  { jsonrpc: '2.0', id: 1, result: 1, error: { code: 1, message: 'm' } },
  { jsonrpc: '2.0', id: 1, error: { code: -32000, message: 'No credential named "x".', data: { code: 'ERR_NOT_FOUND' } } },
  { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'bad', data: { code: 'ERR_PROTOCOL' } } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', extra: 1, data: { code: 'E', more: 2 } } },
  { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'm' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 2 } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', data: null } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', data: { code: 5 } } },
  { jsonrpc: '2.0', id: 1, error: null },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm' }, extra: 1 },
  { jsonrpc: '2.0', error: { code: 1, message: 'm' } },
  { jsonrpc: '2.0', method: 'event', params: [alert] },
  { jsonrpc: '2.0', method: 'event', params: [alert, alert] },
  { jsonrpc: '2.0', method: 'event', params: [] },
  { jsonrpc: '2.0', method: 'event', params: [alert], extra: 1 },
  { jsonrpc: '2.0', method: 'other', params: [alert] },
  { jsonrpc: '2.0', method: 'event', params: { 0: alert } },
  [],
  [{ jsonrpc: '2.0', id: 1, result: 1 }],
  null,
  'text',
  42,
];

describe('classifyMessage', () => {
  it.each(MESSAGES.map((m) => [JSON.stringify(m), m]))('agrees with IncomingMessage on %s', (_label, message) => {
    expect(classifyMessage(message) !== undefined).toBe(protocol.IncomingMessage.safeParse(message).success);
  });

  it('hands back the id and the result or error it read', () => {
    expect(classifyMessage({ jsonrpc: '2.0', id: 7, result: 'tok' })).toEqual({ kind: 'result', id: 7, result: 'tok' });
    expect(classifyMessage({ jsonrpc: '2.0', id: 7, error: { code: 1, message: 'm' } })).toEqual({ kind: 'error', id: 7, error: { code: 1, message: 'm' } });
    expect(classifyMessage({ jsonrpc: '2.0', method: 'event', params: [alert] })).toEqual({ kind: 'event' });
  });
});

describe('the rest of the wire', () => {
  it('isPingResult agrees with PingResult', () => {
    for (const value of [{ protocol: 1, pid: 5 }, { protocol: 2, pid: 5 }, { protocol: 1 }, { protocol: 1, pid: 1.5 }, { protocol: 1, pid: 5, x: 1 }, 'pong', null, [1]]) {
      expect(isPingResult(value), JSON.stringify(value)).toBe(protocol.PingResult.safeParse(value).success);
    }
  });

  it('encodes requests, reads lines and maps error codes as protocol.ts does', () => {
    expect(encodeRequest(2, 'token', ['github'])).toBe(protocol.encodeRequest(2, 'token', ['github']));
    for (const line of ['{"a":1}', '   ', '']) expect(parseLine(Buffer.from(line))).toEqual(protocol.parseLine(Buffer.from(line)));
    expect(() => parseLine(Buffer.from([0xff, 0xfe]))).toThrow();
    expect(() => parseLine(Buffer.from('{not json'))).toThrow();
    for (const error of [{ code: 1, message: 'm', data: { code: 'ERR_LOCKED' } }, { code: 1, message: 'm', data: { code: 'ERR_MADE_UP' } }, { code: 1, message: 'm' }]) {
      expect(payloadFromError(error)).toEqual(protocol.payloadFromError(error));
    }
    expect(CLIENT_MAX_LINE_BYTES).toBe(protocol.DEFAULT_CLIENT_MAX_LINE_BYTES);
    expect(CONTROL_PROTOCOL_VERSION).toBe(protocol.CONTROL_PROTOCOL_VERSION);
  });
});

describe('fastProcessIo', () => {
  const tty = Object.getOwnPropertyDescriptor(process.stdout, 'isTTY');
  const noColor = process.env.NO_COLOR;
  afterEach(() => {
    if (tty) Object.defineProperty(process.stdout, 'isTTY', tty);
    else delete (process.stdout as { isTTY?: boolean }).isTTY;
    if (noColor === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = noColor;
  });

  it.each([
    [true, undefined],
    [true, ''],
    [true, '1'],
    [false, undefined],
    [false, '1'],
  ])('decides colour as processIo does (stdout a TTY: %s, NO_COLOR=%s)', (isTty, value) => {
    Object.defineProperty(process.stdout, 'isTTY', { value: isTty, configurable: true, writable: true });
    if (value === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = value;
    expect(fastProcessIo().color).toBe(processIo().color);
    expect(fastProcessIo().env).toBe(processIo().env);
  });
});
