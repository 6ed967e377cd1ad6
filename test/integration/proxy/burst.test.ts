/**
 * P10 under a burst: 700 connections at once from one process, while two CPU-bound processes keep the machine busy.
 * Every request gets an HTTP answer (none is reset), and any that could not be admitted are 503 ERR_OVERLOADED
 * with no use spent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';
import { stopChild } from '../../fixtures/child-exit.ts';

let h: AccessHarness;
const busy: ChildProcess[] = [];

beforeAll(async () => {
  h = await startAccessHarness();
}, 60_000);
afterAll(async () => {
  for (const child of busy.splice(0)) await stopChild(child, 'SIGKILL');
  await h?.close();
});

async function loadTheCpu(): Promise<void> {
  for (let i = 0; i < 2; i++) {
    const child = spawn(process.execPath, ['-e', 'process.stdout.write("spinning\\n"); for (;;) {}'], { stdio: ['ignore', 'pipe', 'ignore'] });
    busy.push(child);
    await once(child.stdout!, 'data');
  }
}

describe('P10 a connection burst on a busy machine is served, not reset', () => {
  it('P10 A2 700 concurrent requests with one-time and ten-use keys: every one answered, 503s spend no use', async () => {
    await h.addCredential('burst');
    // 97 keys, under the owner's 100 active keys: 30 one-time, 67 of ten uses, one request per use.
    const once1 = await Promise.all(Array.from({ length: 30 }, () => h.service.createAccessKey({ for: ['burst'], uses: 1 })));
    const tens = await Promise.all(Array.from({ length: 67 }, () => h.service.createAccessKey({ for: ['burst'], uses: 10 })));
    const keys = [...once1.map((k) => k.key), ...tens.flatMap((k) => Array<string>(10).fill(k.key))];
    expect(keys).toHaveLength(700);
    await loadTheCpu();
    // The upstream holds its answers until the proxy's pool to it (256 connections) is full, or nothing else can
    // arrive, so the client's 700 connections are all open at once: more than the 512 one peer may hold before the
    // burst allowance.
    const held: (() => void)[] = [];
    let settled = 0;
    const releaseWhenAllIn = () => {
      if (held.length < Math.min(250, keys.length - settled)) return;
      for (const release of held.splice(0)) release();
    };
    for (const upstream of [h.secure, h.plain]) {
      upstream.handler = (_req, res) => {
        held.push(() => res.end('ok'));
        releaseWhenAllIn();
      };
    }
    const before = h.upstreamCalls();
    const outcomes = await Promise.all(
      keys.map((key) =>
        h
          .call('gateway', { name: 'burst', key })
          .then(
            (r) => (r.status === 503 ? `503 ${r.code}` : String(r.status)),
            (err: NodeJS.ErrnoException) => `reset ${err.code ?? err.message}`,
          )
          .finally(() => {
            settled++;
            releaseWhenAllIn();
          }),
      ),
    );
    const served = outcomes.filter((o) => o === '200').length;
    // The burst is under the hard cap: past the soft one (512 for one peer) it is admitted, not shed.
    expect(served).toBeGreaterThanOrEqual(512);
    // Nothing was reset, and anything not served was told to come back.
    expect(outcomes.filter((o) => o !== '200' && o !== '503 ERR_OVERLOADED')).toEqual([]);
    expect(h.upstreamCalls() - before).toBe(served);
    // Uses stayed exact: what was spent is what was served, so a 503 cost nothing.
    const left = (await h.service.listAccessKeys()).filter((k) => [...once1, ...tens].some((m) => m.id === k.id));
    const spent = left.reduce((sum, k) => sum + ((once1.some((m) => m.id === k.id) ? 1 : 10) - (k.usesLeft ?? 0)), 0);
    expect(spent).toBe(served);
  }, 180_000);
});
