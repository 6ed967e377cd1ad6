import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { send } from '../../fixtures/proxy-client.ts';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';

let h: ProxyHarness;

beforeAll(async () => {
  h = await startHarness();
  h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
});
afterAll(async () => {
  await h.close();
  expect(leakedTokens(h.logs, h.backend.allTokens())).toEqual([]);
});

describe('S6 the proxy forgets vault secrets when the vault locks', () => {
  it('S6 after lock the CA is no longer cached: after unlock it is loaded from the backend again', async () => {
    const pem = await h.proxy.caPem();
    expect(await h.proxy.caPem()).toBe(pem);
    const loads = h.backend.loadCaCalls;
    h.backend.lock();
    await expect(h.proxy.caPem()).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    h.backend.locked = false;
    expect(await h.proxy.caPem()).toBe(pem);
    expect(h.backend.loadCaCalls).toBe(loads + 1);
    expect(h.backend.saveCaCalls).toBe(1);
  });

  it('S6 the gateway answers 423 while locked and takes the (rotated) key from the backend after unlock', async () => {
    const old = h.backend.keyString();
    h.backend.lock();
    const locked = await send(h.proxy.port, { path: '/api/x', headers: { 'x-tokenwarden-key': old } });
    h.backend.key = Buffer.alloc(32, 9);
    h.backend.locked = false;
    const stale = await send(h.proxy.port, { path: '/api/x', headers: { 'x-tokenwarden-key': old } });
    const fresh = await send(h.proxy.port, { path: '/api/x', headers: { 'x-tokenwarden-key': h.backend.keyString() } });
    expect(locked.status).toBe(423);
    expect(stale.status).toBe(401);
    expect(fresh.status).toBe(200);
    expect(h.upstream.calls).toHaveLength(1);
  });
});
