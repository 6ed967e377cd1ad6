import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_METHODS, EVENT_CHANNEL, type TokenwardenApi } from '../../../../shared/contract.ts';
import type { AppEvent } from '../../../../shared/model.ts';
import { TokenwardenError } from '../../../../electron/core/base/errors.ts';
import { Dispatcher } from '../../../../electron/core/dispatch.ts';
import { registerIpc, type IpcInvokeEvent, type ServiceLike } from '../../../../electron/main/ipc.ts';

type Handler = (event: IpcInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function fakeService() {
  const calls: { method: string; args: unknown[] }[] = [];
  const listeners = new Set<(e: AppEvent) => void>();
  const api = {} as Record<string, unknown>;
  for (const method of API_METHODS) {
    api[method] = async (...args: unknown[]) => {
      calls.push({ method, args });
      if (args[0] === 'missing') throw new TokenwardenError('ERR_NOT_FOUND', 'No credential named "missing".');
      if (args[0] === 'boom') throw new Error('internal detail with secret tok_live_ABCDEFGH');
      return method === 'list' ? [] : { method };
    };
  }
  api.onEvent = (l: (e: AppEvent) => void) => {
    listeners.add(l);
    return () => listeners.delete(l);
  };
  return { service: api as unknown as ServiceLike & TokenwardenApi, calls, emit: (e: AppEvent) => listeners.forEach((l) => l(e)), listeners };
}

function setup() {
  const handlers = new Map<string, Handler>();
  const sent: { channel: string; payload: unknown }[] = [];
  const fake = fakeService();
  const dispose = registerIpc({
    ipcMain: { handle: (c, h) => handlers.set(c, h), removeHandler: (c) => handlers.delete(c) },
    service: fake.service,
    dispatcher: new Dispatcher({ service: fake.service }),
    targets: () => [{ isDestroyed: () => false, send: (channel, payload) => sent.push({ channel, payload }) }],
  });
  const call = (method: string, url: string | null, ...args: unknown[]) =>
    handlers.get(`tw:${method}`)!({ senderFrame: url === null ? null : { url } }, ...args);
  return { handlers, sent, dispose, call, ...fake };
}

const APP = 'app://bundle/index.html';

describe('IPC registration', () => {
  it('E5 registers exactly one tw:<method> channel per API_METHODS entry and nothing secret-returning', () => {
    const { handlers } = setup();
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `tw:${m}`).sort());
    expect(handlers.has('tw:token')).toBe(false);
    expect(handlers.has('tw:proxyKey')).toBe(false);
  });

  it('E5 rejects a foreign sender frame before touching the service', async () => {
    const { call, calls } = setup();
    for (const url of ['https://evil.example/', 'app://bundle.evil/index.html', 'file:///index.html', 'app://other/', 'about:blank', '']) {
      expect(await call('list', url)).toEqual({ ok: false, error: { code: 'ERR_FORBIDDEN', message: expect.any(String) } });
    }
    expect(await call('get', null, 'x')).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
    expect(calls).toHaveLength(0);
  });

  it('E5 rejects an invalid argument with ERR_INVALID_INPUT and never calls the service', async () => {
    const { call, calls } = setup();
    expect(await call('get', APP, '../etc/passwd')).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(await call('get', APP)).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(await call('list', APP, 'extra')).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    const bad = await call('add', APP, { kind: 'static', name: 'gh', hosts: ['ftp://x'], token: 'tok_secret_value_1234' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
    expect(JSON.stringify(bad)).not.toContain('tok_secret_value_1234');
    expect(calls).toHaveLength(0);
  });

  it('E5 a valid call reaches the service with parsed arguments and resolves an ok envelope', async () => {
    const { call, calls } = setup();
    const res = await call('add', APP, { kind: 'static', name: 'gh', hosts: ['https://API.github.com/'], token: 'abc' });
    expect(res).toEqual({ ok: true, value: { method: 'add' } });
    expect(calls[0]!.args[0]).toMatchObject({ hosts: ['https://api.github.com'], authPolicy: 'reject' });
  });

  it('E5 coded errors travel as {code, message}; unknown errors never leak their message', async () => {
    const { call } = setup();
    expect(await call('get', APP, 'missing')).toEqual({ ok: false, error: { code: 'ERR_NOT_FOUND', message: 'No credential named "missing".' } });
    const internal = await call('get', APP, 'boom');
    expect(internal).toMatchObject({ ok: false, error: { code: 'ERR_INTERNAL' } });
    expect(JSON.stringify(internal)).not.toContain('tok_live');
  });

  it('E5 fuzzed arguments never throw out of a handler', async () => {
    const { handlers } = setup();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...API_METHODS), fc.array(fc.anything(), { maxLength: 3 }), async (method, args) => {
        const res = (await handlers.get(`tw:${method}`)!({ senderFrame: { url: APP } }, ...args)) as { ok: boolean };
        expect(typeof res.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });

  it('pushes service events on the one event channel and disposes cleanly', () => {
    const { emit, sent, dispose, handlers, listeners } = setup();
    emit({ type: 'locked', locked: true });
    expect(sent).toEqual([{ channel: EVENT_CHANNEL, payload: { type: 'locked', locked: true } }]);
    dispose();
    expect(handlers.size).toBe(0);
    expect(listeners.size).toBe(0);
  });
});
