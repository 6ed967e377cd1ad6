import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MODES, startAccessHarness, type AccessHarness, type CallResult } from '../../fixtures/access-harness.ts';

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
  h.access.concurrencyWaitMs = 400;
}, 60_000);
afterAll(async () => {
  await h?.close();
});

function expectRefusal(r: { value: CallResult; calls: number }, status: number, code: string, rule?: string): void {
  expect(r.value.status).toBe(status);
  expect(r.value.code).toBe(code);
  if (rule) expect(r.value.rule).toBe(rule);
  expect(r.calls).toBe(0);
}

describe.each(MODES)('A1 credential policy in %s mode: a refusal names the rule and reaches the upstream 0 times', (mode) => {
  it(`A1 methods (${mode})`, async () => {
    const name = `methods-${mode}`;
    await h.addCredential(name, { methods: ['GET', 'HEAD'] });
    const ok = await h.counted(() => h.call(mode, { name }));
    expect(ok.value.status).toBe(200);
    expect(ok.calls).toBe(1);
    expectRefusal(await h.counted(() => h.call(mode, { name, method: 'POST' })), 403, 'ERR_POLICY', 'methods');
  });

  it(`A1 A4 paths, including encoded and dot-segment escapes (${mode})`, async () => {
    const name = `paths-${mode}`;
    await h.addCredential(name, { paths: ['/repos/*', '/user'] });
    expect((await h.call(mode, { name, path: '/repos/tw' })).status).toBe(200);
    expect((await h.call(mode, { name, path: '/user?x=1' })).status).toBe(200);
    for (const path of ['/admin', '/repos/tw/secrets', '/repos/%2e%2e/admin', '/repos/a%2Fb', '/user;x']) {
      expectRefusal(await h.counted(() => h.call(mode, { name, path })), 403, 'ERR_POLICY', 'paths');
    }
  });

  it(`A1 rate: the burst passes, the next gets 429 with Retry-After (${mode})`, async () => {
    const name = `rate-${mode}`;
    await h.addCredential(name, { rate: '2/min' });
    expect((await h.call(mode, { name })).status).toBe(200);
    expect((await h.call(mode, { name })).status).toBe(200);
    const refused = await h.counted(() => h.call(mode, { name }));
    expectRefusal(refused, 429, 'ERR_RATE_LIMITED', 'rate');
    expect(Number(refused.value.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  it(`A1 concurrency: a second request waits for the first, and one that waits too long gets 429 ERR_CONCURRENCY (${mode})`, async () => {
    const name = `conc-${mode}`;
    await h.addCredential(name, { concurrency: 1 });
    const held: (() => void)[] = [];
    const hold = (_req: unknown, res: ServerResponse) => held.push(() => res.end('held ok'));
    h.secure.handler = hold;
    h.plain.handler = hold;
    try {
      const before = h.upstreamCalls();
      const first = h.call(mode, { name });
      await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 5_000 });
      // The second waits past the (shortened) limit while the first is held: refused, never sent.
      const second = await h.call(mode, { name });
      expect(second.status).toBe(429);
      expect(second.code).toBe('ERR_CONCURRENCY');
      expect(second.rule).toBe('concurrency');
      const third = h.call(mode, { name });
      await new Promise((r) => setTimeout(r, 50));
      expect(held).toHaveLength(1);
      held.shift()!();
      expect((await first).status).toBe(200);
      await vi.waitFor(() => expect(held).toHaveLength(1), { timeout: 5_000 });
      held.shift()!();
      expect((await third).status).toBe(200);
      expect(h.upstreamCalls() - before).toBe(2);
    } finally {
      h.secure.handler = (_req, res) => res.end('upstream ok');
      h.plain.handler = (_req, res) => res.end('upstream ok');
      held.forEach((f) => f());
    }
  });

  it(`A1 A2 max-uses: N successes, then 403 ERR_USED_UP and status used-up (${mode})`, async () => {
    const name = `uses-${mode}`;
    await h.addCredential(name, { maxUses: 2 });
    expect((await h.call(mode, { name })).status).toBe(200);
    expect((await h.service.get(name)).usesLeft).toBe(1);
    expect((await h.call(mode, { name })).status).toBe(200);
    expectRefusal(await h.counted(() => h.call(mode, { name })), 403, 'ERR_USED_UP', 'uses');
    const summary = (await h.service.list()).find((s) => s.name === name)!;
    expect(summary.status).toBe('used-up');
    expect(summary.usesLeft).toBe(0);
  });

  it(`A1 a refused request never asks for a token (no refresh) (${mode})`, async () => {
    const name = `norefresh-${mode}`;
    await h.addCredential(name, { methods: ['GET'] });
    const spy = vi.spyOn(h.manager, 'ensureFresh');
    try {
      expect((await h.call(mode, { name, method: 'DELETE' })).status).toBe(403);
      expect(spy).not.toHaveBeenCalled();
      expect((await h.call(mode, { name })).status).toBe(200);
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('policy editing', () => {
  it('setPolicy applies to the very next request, and clearing it lifts the limits', async () => {
    await h.addCredential('editable');
    expect((await h.call('gateway', { name: 'editable', method: 'POST' })).status).toBe(200);
    const summary = await h.service.setPolicy('editable', { methods: ['GET'] });
    expect(summary.policy).toEqual({ methods: ['GET'] });
    expect((await h.call('gateway', { name: 'editable', method: 'POST' })).code).toBe('ERR_POLICY');
    expect((await h.service.setPolicy('editable', null)).policy).toBeUndefined();
    expect((await h.call('gateway', { name: 'editable', method: 'POST' })).status).toBe(200);
  });

  it('raising max-uses gives a used-up credential more uses; the taken ones stay counted', async () => {
    await h.addCredential('topup', { maxUses: 1 });
    expect((await h.call('gateway', { name: 'topup' })).status).toBe(200);
    expect((await h.service.get('topup')).status).toBe('used-up');
    const raised = await h.service.setPolicy('topup', { maxUses: 2 });
    expect(raised.usesLeft).toBe(1);
    expect((await h.call('gateway', { name: 'topup' })).status).toBe(200);
    expect((await h.call('gateway', { name: 'topup' })).code).toBe('ERR_USED_UP');
  });

  it('bad policies get a coded, human error', async () => {
    await expect(h.service.setPolicy('editable', { rate: '0/s' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('at least 1 request') });
    await expect(h.service.setPolicy('editable', { paths: ['repos'] })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: expect.stringContaining('starts with "/"') });
    await expect(h.service.setPolicy('nope', { maxUses: 1 })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });
});
