/**
 * The fast client against real and misbehaving servers: before its one call is written it gives up quietly
 * (the full CLI takes over); after, it fails with exactly the code and message the full control client gives.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectFast } from '../../../../../electron/cli/fast/fast-client.ts';
import { connectControl } from '../../../../../electron/core/control/control-client.ts';
import { startControlServer, type ControlServer } from '../../../../../electron/core/control/control-server.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { RecordingHandler, makeStaleSocket, makeTempHome, startForeignServer, type TempHome } from '../../../../fixtures/control-harness.ts';

let tmp: TempHome;
const closers: (() => Promise<unknown> | void)[] = [];
beforeEach(async () => {
  tmp = await makeTempHome();
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await tmp.cleanup();
});

const failureOf = (promise: Promise<unknown>): Promise<{ code: string; message: string }> =>
  promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${JSON.stringify(value)}`);
    },
    (err: unknown) => {
      expect(err).toBeInstanceOf(TokenwardenError);
      return { code: (err as TokenwardenError).code, message: (err as TokenwardenError).message };
    },
  );

type Behaviour = (socket: Socket, request: { id: number; method: string }) => void;

/** Answers ping as an owner does, then does `behaviour` with the next request. */
async function scriptedServer(behaviour: Behaviour): Promise<void> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let buffer = '';
    socket.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      let newline: number;
      while ((newline = buffer.indexOf('\n')) !== -1) {
        const request = JSON.parse(buffer.slice(0, newline)) as { id: number; method: string };
        buffer = buffer.slice(newline + 1);
        if (request.method === 'ping') socket.write(`${JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { protocol: 1, pid: process.pid } })}\n`);
        else behaviour(socket, request);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(tmp.socketPath, resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
}

describe('connectFast', () => {
  it('makes the call on a real control server and hands back its result', async () => {
    const handler = new RecordingHandler().on('token', ([name]) => `token-of-${String(name)}`);
    const server: ControlServer = await startControlServer({ path: tmp.socketPath, handler });
    closers.push(() => server.close());
    const fast = await connectFast(tmp.socketPath);
    expect(fast).toBeDefined();
    closers.push(() => fast!.close());
    expect(await fast!.call('token', ['github'])).toBe('token-of-github');
    expect(handler.calls).toEqual([{ method: 'token', params: ['github'] }]);
  });

  it('gives up quietly on a missing, non-socket, too long or stale socket path', async () => {
    expect(await connectFast(tmp.socketPath)).toBeUndefined(); // no socket file
    writeFileSync(`${tmp.socketPath}.file`, 'not a socket');
    expect(await connectFast(`${tmp.socketPath}.file`)).toBeUndefined();
    expect(await connectFast(`/${'x'.repeat(120)}`)).toBeUndefined(); // longer than sun_path
    await makeStaleSocket(tmp.socketPath);
    expect(await connectFast(tmp.socketPath)).toBeUndefined();
  });

  it.each(['garbage', 'wrong-answer'] as const)('gives up on a server that answers ping with %s', async (behaviour) => {
    const foreign = await startForeignServer(tmp.socketPath, behaviour);
    closers.push(() => foreign.close());
    expect(await connectFast(tmp.socketPath)).toBeUndefined();
  });

  it('gives up when the ping goes unanswered within its time', async () => {
    const foreign = await startForeignServer(tmp.socketPath, 'silent');
    closers.push(() => foreign.close());
    const started = Date.now();
    expect(await connectFast(tmp.socketPath, 200)).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

const AFTER_THE_CALL: [string, Behaviour][] = [
  ['a coded error', (s, r) => s.write(`${JSON.stringify({ jsonrpc: '2.0', id: r.id, error: { code: -32000, message: 'The vault is locked.', data: { code: 'ERR_LOCKED' } } })}\n`)],
  ['an error with an unknown code', (s, r) => s.write(`${JSON.stringify({ jsonrpc: '2.0', id: r.id, error: { code: -32000, message: 'odd', data: { code: 'ERR_NEW' } } })}\n`)],
  ['a closed connection', (s) => s.destroy()],
  ['a line that is not JSON', (s) => s.write('{nope\n')],
  ['a message outside the protocol', (s, r) => s.write(`${JSON.stringify({ jsonrpc: '2.0', id: r.id, result: 1, extra: 1 })}\n`)],
  ['an answer to another request', (s, r) => s.write(`${JSON.stringify({ jsonrpc: '2.0', id: r.id + 5, result: 1 })}\n`)],
  ['an error answering no request', (s) => s.write(`${JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'x', data: { code: 'ERR_PROTOCOL' } } })}\n`)],
];

describe('after the call is written, failures are the full client’s', () => {
  it.each(AFTER_THE_CALL)('%s', async (_label, behaviour) => {
    await scriptedServer(behaviour);
    const full = await connectControl(tmp.socketPath);
    closers.push(() => full.close());
    const expected = await failureOf(full.call('token', ['github']));
    const fast = await connectFast(tmp.socketPath);
    closers.push(() => fast!.close());
    expect(await failureOf(fast!.call('token', ['github']))).toEqual(expected);
  });

  it('skips an event line and reads the answer after it', async () => {
    await scriptedServer((s, r) => {
      s.write(`${JSON.stringify({ jsonrpc: '2.0', method: 'event', params: [{ type: 'alert', level: 'info', code: 'X', name: null, message: 'm' }] })}\n`);
      s.write(`${JSON.stringify({ jsonrpc: '2.0', id: r.id, result: 'tok' })}\n`);
    });
    const fast = await connectFast(tmp.socketPath);
    closers.push(() => fast!.close());
    expect(await fast!.call('token', ['github'])).toBe('tok');
  });
});
