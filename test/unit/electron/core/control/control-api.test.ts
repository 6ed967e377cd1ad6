import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { API_METHODS, CONTROL_ONLY_METHODS } from '../../../../../shared/contract.ts';
import { CONTROL_METHODS, createControlApi } from '../../../../../electron/core/control/control-api.ts';
import { connectControl, type ControlClient } from '../../../../../electron/core/control/control-client.ts';
import { startControlServer, type ControlServer } from '../../../../../electron/core/control/control-server.ts';
import { RecordingHandler, makeTempHome, type TempHome } from '../../../../fixtures/control-harness.ts';

let tmp: TempHome;
let handler: RecordingHandler;
let server: ControlServer;
let client: ControlClient;

beforeEach(async () => {
  tmp = await makeTempHome();
  handler = new RecordingHandler();
  server = await startControlServer({ path: tmp.socketPath, handler });
  client = await connectControl(tmp.socketPath);
});

afterEach(async () => {
  client.close();
  await server.close();
  await tmp.cleanup();
});

describe('createControlApi', () => {
  it('has exactly one function per contract method, API and control-only', () => {
    const api = createControlApi(client);
    expect(Object.keys(api).sort()).toEqual([...API_METHODS, ...CONTROL_ONLY_METHODS].sort());
    expect(CONTROL_METHODS).toHaveLength(API_METHODS.length + CONTROL_ONLY_METHODS.length);
    for (const method of CONTROL_METHODS) expect(typeof api[method]).toBe('function');
  });

  it('forwards typed calls over the socket and returns the results', async () => {
    handler.on('token', ([name]) => `token-for-${String(name)}`);
    handler.on('status', () => ({ locked: false }));
    const api = createControlApi(client);
    await expect(api.token('github')).resolves.toBe('token-for-github');
    await expect(api.status()).resolves.toEqual({ locked: false });
    await api.unlock();
    await api.rotate('github');
    await api.update('github', { hosts: ['https://API.github.com'] });
    expect(handler.calls).toEqual([
      { method: 'token', params: ['github'] },
      { method: 'status', params: [] },
      { method: 'unlock', params: [] },
      { method: 'rotate', params: ['github'] },
      { method: 'update', params: ['github', { hosts: ['https://api.github.com'] }] },
    ]);
  });

  it('rejects bad arguments remotely with ERR_INVALID_INPUT', async () => {
    const api = createControlApi(client);
    await expect(api.get('../etc/passwd')).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    expect(handler.calls).toEqual([]);
  });
});
