import { chmod, lstat, stat, writeFile, readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startControlServer, type ControlServer } from '../../../../../electron/core/control/control-server.ts';
import { IncomingMessage } from '../../../../../electron/core/control/protocol.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import {
  RecordingHandler,
  makeStaleSocket,
  makeTempHome,
  openRaw,
  startForeignServer,
  type TempHome,
} from '../../../../fixtures/control-harness.ts';
import { deferred } from '../../../../fixtures/deferred.ts';

let tmp: TempHome;
let handler: RecordingHandler;
let server: ControlServer | undefined;
let logs: string[];

beforeEach(async () => {
  tmp = await makeTempHome();
  handler = new RecordingHandler();
  logs = [];
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await tmp.cleanup();
});

const start = async (extra: { maxLineBytes?: number; probeTimeoutMs?: number } = {}): Promise<ControlServer> => {
  server = await startControlServer({ path: tmp.socketPath, handler, log: (l) => logs.push(l), ...extra });
  return server;
};

const errorCode = (message: Record<string, unknown> | undefined): unknown =>
  (message?.error as { data?: { code?: unknown } } | undefined)?.data?.code;

describe('startControlServer: the socket file', () => {
  it('S4 creates the socket with mode 0600 in a 0700 directory, and restores the umask', async () => {
    const original = process.umask(0o022);
    try {
      await start();
      // The restrictive umask is for the bind only; files created later by the process are unaffected.
      expect(process.umask(0o022)).toBe(0o022);
    } finally {
      process.umask(original);
    }
    const sock = await lstat(tmp.socketPath);
    expect(sock.isSocket()).toBe(true);
    expect(sock.mode & 0o777).toBe(0o600);
    expect(sock.uid).toBe(process.getuid!());
    expect((await stat(tmp.home)).mode & 0o777).toBe(0o700);
  });

  it('S4 tightens a group/world-readable home to 0700 and creates a missing one 0700', async () => {
    await chmod(tmp.home, 0o755);
    await start();
    expect((await stat(tmp.home)).mode & 0o777).toBe(0o700);
    expect(logs.join('\n')).toContain('0700');
    await server!.close();

    const nested = path.join(tmp.home, 'new');
    server = await startControlServer({ path: path.join(nested, 'control.sock'), handler });
    expect((await stat(nested)).mode & 0o777).toBe(0o700);
  });

  it('replaces a stale socket file left by a killed owner', async () => {
    await makeStaleSocket(tmp.socketPath);
    await start();
    expect(logs.some((l) => l.includes('stale'))).toBe(true);
    const raw = await openRaw(tmp.socketPath);
    expect((await raw.request(1, 'ping')).result).toMatchObject({ protocol: 1, pid: process.pid });
    raw.destroy();
  });

  it('refuses to take over a socket held by a process that never answers (ERR_BUSY)', async () => {
    const foreign = await startForeignServer(tmp.socketPath, 'silent');
    try {
      const err = await start({ probeTimeoutMs: 150 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TokenwardenError);
      expect((err as TokenwardenError).code).toBe('ERR_BUSY');
      expect((err as TokenwardenError).message).toContain('does not speak the Tokenwarden protocol');
      // The stranger still owns its socket.
      expect((await lstat(tmp.socketPath)).isSocket()).toBe(true);
      const before = foreign.connections();
      await (await openRaw(tmp.socketPath)).destroy();
      expect(foreign.connections()).toBeGreaterThan(before);
    } finally {
      await foreign.close();
    }
  });

  it('refuses to take over a socket held by a process that answers garbage (ERR_BUSY)', async () => {
    const foreign = await startForeignServer(tmp.socketPath, 'garbage');
    try {
      await expect(start({ probeTimeoutMs: 5000 })).rejects.toMatchObject({ code: 'ERR_BUSY' });
      expect((await lstat(tmp.socketPath)).isSocket()).toBe(true);
    } finally {
      await foreign.close();
    }
  });

  it('refuses to start a second server on a live Tokenwarden socket, naming its pid', async () => {
    await start();
    await expect(startControlServer({ path: tmp.socketPath, handler })).rejects.toMatchObject({
      code: 'ERR_BUSY',
      message: expect.stringContaining(`pid ${process.pid}`),
    });
    const raw = await openRaw(tmp.socketPath);
    expect((await raw.request(1, 'ping')).result).toBeTruthy();
    raw.destroy();
  });

  it('never deletes a regular file sitting at the socket path', async () => {
    await writeFile(tmp.socketPath, 'precious');
    await expect(start()).rejects.toMatchObject({ code: 'ERR_FORBIDDEN' });
    expect(await readFile(tmp.socketPath, 'utf8')).toBe('precious');
  });

  it('close() ends open connections and removes the socket file', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    await server!.close();
    await raw.closed;
    await expect(lstat(tmp.socketPath)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('startControlServer: messages', () => {
  it('answers a call with the handler result and passes it the schema-parsed params', async () => {
    handler.on('get', ([name]) => ({ name, kind: 'static' }));
    handler.on('add', ([input]) => input);
    await start();
    const raw = await openRaw(tmp.socketPath);
    expect(await raw.request(1, 'get', ['github'])).toEqual({ jsonrpc: '2.0', id: 1, result: { name: 'github', kind: 'static' } });
    const added = await raw.request('two', 'add', [{ kind: 'static', name: 'gh', hosts: ['https://API.github.com/'], token: 'abcd1234' }]);
    // The handler sees the canonical origin and the default policy, not the raw input.
    expect(added.result).toMatchObject({ hosts: ['https://api.github.com'], authPolicy: 'reject' });
    raw.destroy();
  });

  it('answers malformed JSON with ERR_PROTOCOL and keeps serving the connection', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    raw.send('{"jsonrpc":"2.0","id":1,"method":"list"\n');
    const bad = await raw.next();
    expect(bad).toMatchObject({ id: null, error: { code: -32700, data: { code: 'ERR_PROTOCOL' } } });
    raw.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d, 0x0a]));
    expect(errorCode(await raw.next())).toBe('ERR_PROTOCOL');
    expect((await raw.request(2, 'list')).result).toEqual({ method: 'list', params: [] });
    raw.destroy();
  });

  it('answers a bad envelope with ERR_PROTOCOL, keeping the id when it can', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    raw.send(`${JSON.stringify({ id: 5, method: 'list', params: [] })}\n`);
    expect(await raw.next()).toMatchObject({ id: 5, error: { code: -32600, data: { code: 'ERR_PROTOCOL' } } });
    raw.send(`${JSON.stringify({ jsonrpc: '2.0', method: 'list', params: {} })}\n`);
    expect(await raw.next()).toMatchObject({ id: null, error: { data: { code: 'ERR_PROTOCOL' } } });
    raw.send('[1,2,3]\n"x"\nnull\n');
    for (let i = 0; i < 3; i += 1) expect(errorCode(await raw.next())).toBe('ERR_PROTOCOL');
    expect(handler.calls).toEqual([]);
    raw.destroy();
  });

  it('answers an unknown method with ERR_PROTOCOL and never reaches the handler', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    for (const method of ['deleteEverything', 'constructor', '__proto__', 'toString']) {
      const answer = await raw.request(method, method);
      expect(answer).toMatchObject({ error: { code: -32601, data: { code: 'ERR_PROTOCOL' } } });
    }
    expect(handler.calls).toEqual([]);
    raw.destroy();
  });

  it('answers invalid params with ERR_INVALID_INPUT and never reaches the handler', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    const cases: [string, unknown[]][] = [
      ['get', []],
      ['get', ['Has Spaces']],
      ['list', ['extra']],
      ['add', [{ kind: 'static', name: 'x', hosts: ['ftp://nope'], token: 't' }]],
      ['remove', [{ $gt: '' }]],
    ];
    for (const [i, [method, params]] of cases.entries()) {
      const answer = await raw.request(i, method, params);
      expect(answer).toMatchObject({ id: i, error: { code: -32602, data: { code: 'ERR_INVALID_INPUT' } } });
    }
    expect(handler.calls).toEqual([]);
    raw.destroy();
  });

  it('carries the code and message of a TokenwardenError from the handler', async () => {
    handler.on('get', () => {
      throw new TokenwardenError('ERR_NOT_FOUND', 'No credential named "nope".');
    });
    await start();
    const raw = await openRaw(tmp.socketPath);
    expect(await raw.request(1, 'get', ['nope'])).toMatchObject({
      error: { code: -32000, message: 'No credential named "nope".', data: { code: 'ERR_NOT_FOUND' } },
    });
    raw.destroy();
  });

  it('S7 turns a foreign error into a generic ERR_INTERNAL without its message, in the answer and the log', async () => {
    const secret = 'ghp_leakyleakyleaky1234';
    handler.on('token', () => {
      throw new Error(`upstream said Bearer ${secret}`);
    });
    handler.on('status', () => {
      throw Object.assign(new Error(`ENOENT ${secret}`), { code: 'ENOENT' });
    });
    await start();
    const raw = await openRaw(tmp.socketPath);
    for (const [id, method, params] of [[1, 'token', ['gh']], [2, 'status', []]] as const) {
      const answer = await raw.request(id, method, [...params]);
      expect(answer).toMatchObject({ error: { code: -32603, data: { code: 'ERR_INTERNAL' } } });
      expect(JSON.stringify(answer)).not.toContain(secret);
      expect(JSON.stringify(answer)).not.toContain('Bearer');
    }
    expect(logs.join('\n')).not.toContain(secret);
    expect(logs.some((l) => l.includes('token failed'))).toBe(true);
    raw.destroy();
  });

  it('answers with ERR_INTERNAL when a result cannot be encoded', async () => {
    handler.on('list', () => ({ big: 1n }));
    await start();
    const raw = await openRaw(tmp.socketPath);
    expect(errorCode(await raw.request(1, 'list'))).toBe('ERR_INTERNAL');
    expect((await raw.request(2, 'status')).result).toBeTruthy();
    raw.destroy();
  });

  it('P10 rejects a 10 MB line with ERR_TOO_LARGE, closes that connection, and keeps serving others', async () => {
    await start();
    const raw = await openRaw(tmp.socketPath);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let stop = false;
    void raw.ended.then(() => {
      stop = true;
    });
    const answer = raw.next();
    // Stream the line with backpressure until the server hangs up on us or 10 MB are sent.
    for (let sent = 0; sent < 10 * 1024 * 1024 && !stop && !raw.socket.destroyed; sent += chunk.length) {
      if (!raw.socket.write(chunk)) {
        await new Promise<void>((resolve) => {
          raw.socket.once('drain', resolve);
          raw.socket.once('close', resolve);
          void raw.ended.then(resolve);
        });
      }
    }
    expect(await answer).toMatchObject({ id: null, error: { data: { code: 'ERR_TOO_LARGE' } } });
    await raw.ended;
    expect(await raw.next()).toBeUndefined();
    raw.destroy();
    expect(logs.some((l) => l.includes('over 1048576 bytes'))).toBe(true);
    expect(handler.calls).toEqual([]);

    const fresh = await openRaw(tmp.socketPath);
    expect((await fresh.request(1, 'list')).result).toEqual({ method: 'list', params: [] });
    fresh.destroy();
  });

  it('honours a custom line limit', async () => {
    await start({ maxLineBytes: 64 });
    const raw = await openRaw(tmp.socketPath);
    raw.send(`${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'get', params: ['x'.repeat(80)] })}\n`);
    expect(errorCode(await raw.next())).toBe('ERR_TOO_LARGE');
    await raw.ended;
    raw.destroy();
  });

  it('P10 runs at most 16 calls at once per connection and answers the rest afterwards', async () => {
    const { promise: gate, resolve: release } = deferred();
    const { promise: capped, resolve: reachedCap } = deferred();
    handler.on('get', async () => {
      if (handler.calls.length === 16) reachedCap();
      await gate;
      return 'ok';
    });
    await start();
    const raw = await openRaw(tmp.socketPath);
    const lines = Array.from({ length: 40 }, (_, i) => JSON.stringify({ jsonrpc: '2.0', id: i, method: 'get', params: ['x'] }));
    lines.push(JSON.stringify({ jsonrpc: '2.0', id: 'last', method: 'ping', params: [] }));
    raw.send(`${lines.join('\n')}\n`);
    await capped;
    // Without the cap, every line of the chunk would have reached the handler in the same tick.
    expect(handler.calls).toHaveLength(16);
    release();
    const ids = new Set<unknown>();
    while (ids.size < 41) {
      const message = await raw.next();
      expect(message).toMatchObject({ result: expect.anything() });
      ids.add(message?.id);
    }
    expect(handler.calls).toHaveLength(40);
    expect(ids).toEqual(new Set([...Array.from({ length: 40 }, (_, i) => i), 'last']));
    raw.destroy();
  });

  it('pushes events to a subscriber only, and drops the subscription when it disconnects', async () => {
    await start();
    const subscriber = await openRaw(tmp.socketPath);
    const bystander = await openRaw(tmp.socketPath);
    expect((await subscriber.request(1, 'subscribe')).result).toBe(true);
    expect(handler.listeners.size).toBe(1);
    handler.emit({ type: 'locked', locked: true });
    expect(await subscriber.next()).toEqual({ jsonrpc: '2.0', method: 'event', params: [{ type: 'locked', locked: true }] });
    // The bystander's next message is the answer to its own request, not the event.
    expect(await bystander.request(9, 'status')).toMatchObject({ id: 9 });
    subscriber.destroy();
    await subscriber.closed;
    // A round trip on another connection lets the server observe the close.
    await bystander.request(10, 'ping');
    expect(handler.listeners.size).toBe(0);
    bystander.destroy();
  });

  it('survives fast-check fuzzing of random lines and keeps answering ping', async () => {
    await start();
    const line = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.json().map((j) => j),
      fc.record({
        jsonrpc: fc.constantFrom('2.0', '1.0', 2),
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constant(null)),
        method: fc.constantFrom('list', 'get', 'add', 'unlock', 'rotate', 'nope', 'subscribe', ''),
        params: fc.oneof(fc.array(fc.anything(), { maxLength: 3 }), fc.anything()),
      }).map((r) => JSON.stringify(r)),
    );
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\0\n'), async (lines, eol) => {
        const raw = await openRaw(tmp.socketPath);
        try {
          raw.send(lines.map((l) => `${l}${eol}`).join(''));
          const pingId = `ping-${run++}`;
          raw.send(`${JSON.stringify({ jsonrpc: '2.0', id: pingId, method: 'ping', params: [] })}\n`);
          for (;;) {
            const message = await raw.next();
            expect(message).toBeDefined();
            expect(IncomingMessage.safeParse(message).success).toBe(true);
            if (message!.id === pingId) break;
          }
        } finally {
          raw.destroy();
        }
      }),
      { numRuns: 150 },
    );
    const raw = await openRaw(tmp.socketPath);
    expect((await raw.request(1, 'ping')).result).toMatchObject({ protocol: 1 });
    raw.destroy();
  });
});
