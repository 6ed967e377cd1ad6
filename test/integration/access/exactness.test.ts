import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessHarness, type AccessHarness, type Mode } from '../../fixtures/access-harness.ts';

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
}, 60_000);
afterAll(async () => {
  await h?.close();
});

async function burst(mode: Mode, count: number, options: { name: string; key?: string }): Promise<number[]> {
  const results = await Promise.all(Array.from({ length: count }, () => h.call(mode, options)));
  return results.map((r) => r.status);
}

describe('A2 uses are exact under concurrency and survive a restart', () => {
  it.each([
    ['gateway', 100],
    ['forward', 100],
    ['connect', 30],
  ] as const)('A2 %s: %i parallel requests against --max-uses 1 make exactly 1 upstream call', async (mode, count) => {
    const name = `once-${mode}`;
    await h.addCredential(name, { maxUses: 1 });
    const before = h.upstreamCalls();
    const statuses = await burst(mode, count, { name });
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 403)).toHaveLength(count - 1);
    expect(h.upstreamCalls() - before).toBe(1);
  });

  it.each([
    ['gateway', 100],
    ['forward', 100],
    ['connect', 30],
  ] as const)('A2 %s: %i parallel requests with a --uses 1 key make exactly 1 upstream call', async (mode, count) => {
    const name = `keyed-${mode}`;
    await h.addCredential(name);
    const key = await h.service.createAccessKey({ for: [name], uses: 1 });
    const before = h.upstreamCalls();
    const statuses = await burst(mode, count, { name, key: key.key });
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 401)).toHaveLength(count - 1);
    expect(h.upstreamCalls() - before).toBe(1);
  });

  it('A2 a restart of the owner keeps credential and key use counts', async () => {
    await h.addCredential('thrice', { maxUses: 3 });
    const key = await h.service.createAccessKey({ for: ['thrice'], uses: 3 });
    expect((await h.call('gateway', { name: 'thrice', key: key.key })).status).toBe(200);
    expect((await h.call('gateway', { name: 'thrice' })).status).toBe(200);
    await h.restart();
    expect((await h.service.get('thrice')).usesLeft).toBe(1);
    expect((await h.service.listAccessKeys()).find((k) => k.id === key.id)!.usesLeft).toBe(2);
    expect((await h.call('gateway', { name: 'thrice', key: key.key })).status).toBe(200);
    const after = await h.call('gateway', { name: 'thrice', key: key.key });
    expect(after.code).toBe('ERR_USED_UP');
    expect((await h.service.get('thrice')).status).toBe('used-up');
  }, 60_000);
});
