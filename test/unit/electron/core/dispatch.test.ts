import { describe, expect, it, vi } from 'vitest';
import type { ControlApi } from '../../../../shared/contract.ts';
import { CONTROL_METHODS } from '../../../../electron/core/control/control-api.ts';
import { Dispatcher, type CallContext } from '../../../../electron/core/dispatch.ts';
import { TokenwardenError } from '../../../../electron/core/base/errors.ts';
import { createRevealGate } from '../../../../electron/core/reveal/reveal-gate.ts';

const CALLER = { description: 'a test', key: 'test' };
const control = (extra: Partial<CallContext> = {}): CallContext => ({ methods: 'control', caller: async () => CALLER, ...extra });

/** A service that records what reaches it; `fail` names methods that throw the given error. */
function recordingService(fail: Record<string, unknown> = {}) {
  const calls: { method: string; args: unknown[] }[] = [];
  const service: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of CONTROL_METHODS) {
    service[method] = async (...args: unknown[]) => {
      calls.push({ method, args });
      if (method in fail) throw fail[method];
      return method === 'createAccessKey' ? { id: 'ak_created0001' } : { method };
    };
  }
  return { service: service as unknown as ControlApi, calls };
}

describe('the dispatcher', () => {
  it('validates once: the service gets the parsed arguments, and refused ones never reach it', async () => {
    const { service, calls } = recordingService();
    const dispatcher = new Dispatcher({ service });
    expect(await dispatcher.call('add', [{ kind: 'static', name: 'gh', hosts: ['https://API.github.com/'], token: 'abcd1234' }], control())).toMatchObject({ ok: true });
    expect(calls[0]!.args[0]).toMatchObject({ hosts: ['https://api.github.com'], authPolicy: 'reject' });
    const refused = await dispatcher.call('get', ['Has Spaces'], control());
    expect(refused).toMatchObject({ ok: false, stage: 'arguments', error: { code: 'ERR_INVALID_INPUT' } });
    expect(calls).toHaveLength(1);
  });

  it('E5 lets the window name only API methods', async () => {
    const { service, calls } = recordingService();
    const dispatcher = new Dispatcher({ service });
    for (const method of ['token', 'proxyKey', 'constructor', 'nope']) {
      expect(await dispatcher.call(method, [], { methods: 'api', caller: async () => CALLER })).toMatchObject({ ok: false, stage: 'method', error: { code: 'ERR_INVALID_INPUT', message: 'Unknown method.' } });
    }
    expect(calls).toEqual([]);
  });

  it('audits the listed methods with their outcome, and neither unlisted calls nor refused arguments', async () => {
    const event = vi.fn();
    const { service } = recordingService({ revoke: new TokenwardenError('ERR_IDP', 'down') });
    const dispatcher = new Dispatcher({ service, audit: { event } });
    await dispatcher.call('update', ['gh', { authPolicy: 'force' }], control());
    await dispatcher.call('revoke', ['gh'], control());
    await dispatcher.call('createAccessKey', [{ for: ['gh'] }], control());
    await dispatcher.call('list', [], control());
    await dispatcher.call('remove', ['Bad Name'], control());
    expect(event.mock.calls).toEqual([
      ['update', 'gh', 'ok', { detail: 'changed authPolicy' }],
      ['revoke', 'gh', 'failed', { code: 'ERR_IDP' }],
      ['key-create', null, 'ok', { key: 'ak_created0001' }],
    ]);
  });

  it('passes the caller\'s context to login and createAccessKey only when there is one', async () => {
    const { service, calls } = recordingService();
    const dispatcher = new Dispatcher({ service });
    const closed = new AbortController().signal;
    await dispatcher.call('login', ['gh'], control({ signal: closed }));
    await dispatcher.call('createAccessKey', [{ for: ['gh'] }], control({ connection: closed }));
    await dispatcher.call('login', ['gh'], { methods: 'api', caller: async () => CALLER });
    expect(calls.map((c) => c.args)).toEqual([['gh', { signal: closed }], [expect.objectContaining({ for: ['gh'] }), { connection: closed }], ['gh']]);
  });

  it('runs the reveal gate for token with the caller, then the face\'s check; a refusal never reaches the service', async () => {
    const approveReveal = vi.fn(async () => 'deny' as const);
    const { service, calls } = recordingService();
    const confirm = vi.fn(async () => undefined);
    const dispatcher = new Dispatcher({ service, reveal: createRevealGate({ approver: { approveReveal }, enabled: () => true }) });
    expect(await dispatcher.call('copyToken', ['gh'], { methods: 'api', caller: async () => CALLER, confirm })).toMatchObject({ ok: false, stage: 'call', error: { code: 'ERR_DENIED' } });
    expect(approveReveal).toHaveBeenCalledWith({ method: 'copyToken', name: 'gh', caller: CALLER });
    expect(confirm).not.toHaveBeenCalled();
    await dispatcher.call('update', ['gh', { hosts: ['https://a.example'] }], { methods: 'api', caller: async () => CALLER, confirm });
    expect(confirm).toHaveBeenCalledWith('update', ['gh', { hosts: ['https://a.example'] }]);
    expect(calls.map((c) => c.method)).toEqual(['update']);
  });

  it('S7 answers a foreign error as ERR_INTERNAL without its message, and hands in-process callers the error itself', async () => {
    const foreign = new Error('upstream said Bearer ghp_secret');
    const { service } = recordingService({ status: foreign });
    const dispatcher = new Dispatcher({ service });
    const outcome = await dispatcher.call('status', [], control());
    expect(outcome).toMatchObject({ ok: false, stage: 'call', error: { code: 'ERR_INTERNAL' }, cause: foreign });
    expect(JSON.stringify(outcome.ok ? null : outcome.error)).not.toContain('ghp_secret');
    await expect(dispatcher.invoke('status', [], control())).rejects.toBe(foreign);
  });
});
