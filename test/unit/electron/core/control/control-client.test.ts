import { chown, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEvent } from '../../../../../shared/model.ts';
import { connectControl, type ControlClient } from '../../../../../electron/core/control/control-client.ts';
import { startControlServer, type ControlServer } from '../../../../../electron/core/control/control-server.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { RecordingHandler, makeStaleSocket, makeTempHome, startForeignServer, type TempHome } from '../../../../fixtures/control-harness.ts';
import { deferred } from '../../../../fixtures/deferred.ts';

let tmp: TempHome;
let handler: RecordingHandler;
let server: ControlServer | undefined;
let client: ControlClient | undefined;

beforeEach(async () => {
  tmp = await makeTempHome();
  handler = new RecordingHandler();
});

afterEach(async () => {
  client?.close();
  client = undefined;
  await server?.close();
  server = undefined;
  await tmp.cleanup();
});

const serve = async (): Promise<ControlClient> => {
  server = await startControlServer({ path: tmp.socketPath, handler });
  client = await connectControl(tmp.socketPath);
  return client;
};

const rejection = async (promise: Promise<unknown>): Promise<TokenwardenError> => {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TokenwardenError);
  return err as TokenwardenError;
};

describe('connectControl', () => {
  it('completes the ping handshake and learns the owner pid', async () => {
    const c = await serve();
    expect(c.peer).toEqual({ protocol: 1, pid: process.pid });
  });

  it('round-trips a call with its result', async () => {
    handler.on('get', ([name]) => ({ name, hosts: ['https://api.github.com'] }));
    const c = await serve();
    await expect(c.call('get', ['github'])).resolves.toEqual({ name: 'github', hosts: ['https://api.github.com'] });
    await expect(c.call('list')).resolves.toEqual({ method: 'list', params: [] });
    expect(handler.calls.map((call) => call.method)).toEqual(['get', 'list']);
  });

  it('keeps concurrent calls apart by id', async () => {
    const { promise: gate, resolve: release } = deferred();
    handler.on('get', async ([name]) => {
      if (name === 'slow') await gate;
      return name;
    });
    const c = await serve();
    const slow = c.call('get', ['slow']);
    await expect(c.call('get', ['fast'])).resolves.toBe('fast');
    release();
    await expect(slow).resolves.toBe('slow');
  });

  it('rejects with the remote code and message', async () => {
    handler.on('remove', () => {
      throw new TokenwardenError('ERR_LOCKED', 'The vault is locked.');
    });
    const c = await serve();
    const err = await rejection(c.call('remove', ['gh']));
    expect(err.code).toBe('ERR_LOCKED');
    expect(err.message).toBe('The vault is locked.');
    const invalid = await rejection(c.call('get', ['NOT VALID']));
    expect(invalid.code).toBe('ERR_INVALID_INPUT');
    const notJson = await rejection(c.call('get', [1n]));
    expect(notJson.code).toBe('ERR_INVALID_INPUT');
    // The connection is still good afterwards.
    await expect(c.call('status')).resolves.toBeTruthy();
  });

  it('sends no trailing undefined, so optional arguments stay optional', async () => {
    const c = await serve();
    await expect(c.call('unlock', [undefined])).resolves.toEqual({ method: 'unlock', params: [] });
    await expect(c.call('rotate', ['gh', undefined])).resolves.toEqual({ method: 'rotate', params: ['gh'] });
  });

  it('delivers pushed events to every listener and unsubscribes with the last one', async () => {
    const c = await serve();
    const seenA: AppEvent[] = [];
    const seenB: AppEvent[] = [];
    const stopA = await c.onEvent((e) => seenA.push(e));
    const { promise: second, resolve: gotB } = deferred();
    const stopB = await c.onEvent((e) => {
      seenB.push(e);
      if (seenB.length === 2) gotB();
    });
    expect(handler.listeners.size).toBe(1);
    handler.emit({ type: 'locked', locked: true });
    handler.emit({ type: 'alert', level: 'warning', code: 'ERR_IDP', name: 'gh', message: 'IdP is down' });
    await second;
    expect(seenA).toEqual(seenB);
    expect(seenA[0]).toEqual({ type: 'locked', locked: true });
    stopA();
    expect(handler.listeners.size).toBe(1);
    stopB();
    // Requests are handled in order, so once this answers the unsubscribe has been applied.
    await c.call('status');
    expect(handler.listeners.size).toBe(0);
  });

  it('survives a listener that throws', async () => {
    const c = await serve();
    await c.onEvent(() => {
      throw new Error('listener bug');
    });
    const { promise: seen, resolve: got } = deferred<AppEvent>();
    await c.onEvent((e) => got(e));
    handler.emit({ type: 'locked', locked: false });
    await expect(seen).resolves.toEqual({ type: 'locked', locked: false });
    await expect(c.call('status')).resolves.toBeTruthy();
  });

  it('fails pending calls with ERR_DAEMON_UNREACHABLE when the owner goes away', async () => {
    const { promise: inHandler, resolve: started } = deferred();
    handler.on('login', () => {
      started();
      return new Promise(() => undefined);
    });
    const c = await serve();
    const pending = c.call('login', ['gh']);
    await inHandler;
    await server!.close();
    server = undefined;
    expect((await rejection(pending)).code).toBe('ERR_DAEMON_UNREACHABLE');
    await c.closed;
    expect((await rejection(c.call('list'))).code).toBe('ERR_DAEMON_UNREACHABLE');
  });

  it('fails pending calls with ERR_CANCELLED when this client closes', async () => {
    handler.on('login', () => new Promise(() => undefined));
    const c = await serve();
    const pending = c.call('login', ['gh']);
    c.close();
    expect((await rejection(pending)).code).toBe('ERR_CANCELLED');
    await c.closed;
  });

  it('says ERR_DAEMON_UNREACHABLE when no socket exists', async () => {
    const err = await rejection(connectControl(tmp.socketPath));
    expect(err.code).toBe('ERR_DAEMON_UNREACHABLE');
    expect(err.message).toContain('No Tokenwarden daemon is running');
  });

  it('says ERR_DAEMON_UNREACHABLE for a stale socket file', async () => {
    await makeStaleSocket(tmp.socketPath);
    const err = await rejection(connectControl(tmp.socketPath));
    expect(err.code).toBe('ERR_DAEMON_UNREACHABLE');
    expect(err.message).toContain('stale');
  });

  it('says ERR_DAEMON_UNREACHABLE when the path is not a socket', async () => {
    await writeFile(tmp.socketPath, '');
    expect((await rejection(connectControl(tmp.socketPath))).code).toBe('ERR_DAEMON_UNREACHABLE');
  });

  for (const behaviour of ['silent', 'garbage', 'wrong-answer'] as const) {
    it(`says ERR_PROTOCOL when the process on the socket is ${behaviour}`, async () => {
      const foreign = await startForeignServer(tmp.socketPath, behaviour);
      try {
        const err = await rejection(connectControl(tmp.socketPath, { timeoutMs: behaviour === 'silent' ? 400 : 5000 }));
        expect(err.code).toBe('ERR_PROTOCOL');
        expect(foreign.connections()).toBe(1);
      } finally {
        await foreign.close();
      }
    });
  }

  it('never trusts a random answer to ping: always ERR_PROTOCOL, never a hang or a crash', async () => {
    let reply = '';
    const foreign = createServer((socket) => {
      socket.on('error', () => undefined);
      socket.once('data', () => socket.write(`${reply}\n`));
    });
    await new Promise<void>((resolve) => foreign.listen(tmp.socketPath, resolve));
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.oneof(
            fc.string({ unit: 'binary', maxLength: 100 }),
            fc.json(),
            fc.record({ jsonrpc: fc.constant('2.0'), id: fc.constantFrom(1, 2, '1', null), result: fc.anything() }).map((r) => JSON.stringify(r)),
          ),
          async (answer) => {
            reply = answer;
            const err = await rejection(connectControl(tmp.socketPath, { timeoutMs: 400 }));
            expect(err.code).toBe('ERR_PROTOCOL');
          },
        ),
        { numRuns: 60 },
      );
    } finally {
      await new Promise<void>((resolve) => foreign.close(() => resolve()));
    }
  });

  // Only root can hand a file to another uid; CI and these machines run as root.
  it.skipIf(process.getuid?.() !== 0)('refuses to talk to a socket owned by another user (ERR_FORBIDDEN)', async () => {
    server = await startControlServer({ path: tmp.socketPath, handler });
    await chown(tmp.socketPath, 4242, 4242);
    const err = await rejection(connectControl(tmp.socketPath));
    expect(err.code).toBe('ERR_FORBIDDEN');
    expect(handler.calls).toEqual([]);
  });
});
