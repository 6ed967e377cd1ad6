/**
 * R4 and A2 together: a 401 is retried once after a forced refresh, but not for a request that spent a use. A
 * one-time key, or a credential with maxUses, was admitted for one upstream call; a retry would be a second.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { PolicyInput } from '../../../shared/policy.ts';
import { MODES, startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';

let h: AccessHarness;

/** An exec credential (its token can change, so a 401 is worth one retry) bound to both upstreams. */
async function addExec(name: string, policy?: PolicyInput): Promise<void> {
  await h.service.add({
    kind: 'exec',
    name,
    hosts: [h.secure.origin, h.plain.origin],
    command: `printf tw-exec-${name}-0123456789abcdef`,
    allowInsecureLoopback: true,
    ...(policy ? { policy } : {}),
  });
}

beforeAll(async () => {
  h = await startAccessHarness();
  for (const upstream of [h.secure, h.plain]) {
    upstream.handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer error="invalid_token"' });
      res.end('{"message":"Bad credentials"}');
    };
  }
  await addExec('unlimited');
  for (const mode of MODES) await addExec(`once-${mode}`, { maxUses: 1 });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

/** Counts the forced refreshes the proxy asks for after an upstream 401. */
function forcedRefreshes(): { count(): number; restore(): void } {
  const spy = vi.spyOn(h.manager, 'ensureFresh');
  return {
    count: () => spy.mock.calls.filter(([, options]) => options?.force === true).length,
    restore: () => spy.mockRestore(),
  };
}

describe.each(MODES)('a 401 for a use-limited request (%s mode)', (mode) => {
  it(`R4 A2 a --uses 1 key meeting a 401 makes exactly 1 upstream call, no refresh, and the client gets the 401 (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['unlimited'], uses: 1 });
    const refreshes = forcedRefreshes();
    try {
      const first = await h.counted(() => h.call(mode, { name: 'unlimited', key: key.key }));
      expect(first.value.status).toBe(401);
      expect(first.value.body).toBe('{"message":"Bad credentials"}');
      expect(first.calls).toBe(1);
      expect(refreshes.count()).toBe(0);
    } finally {
      refreshes.restore();
    }
    // The use is spent: the key now stops at the proxy.
    const again = await h.counted(() => h.call(mode, { name: 'unlimited', key: key.key }));
    expect(again.value).toMatchObject({ status: 401, code: 'ERR_KEY_USED_UP' });
    expect(again.calls).toBe(0);
  });

  it(`R4 A2 a credential with maxUses 1 meeting a 401 makes exactly 1 upstream call and the client gets the 401 (${mode})`, async () => {
    const refreshes = forcedRefreshes();
    try {
      const first = await h.counted(() => h.call(mode, { name: `once-${mode}` }));
      expect(first.value.status).toBe(401);
      expect(first.value.code).toBeUndefined();
      expect(first.calls).toBe(1);
      expect(refreshes.count()).toBe(0);
    } finally {
      refreshes.restore();
    }
    const again = await h.counted(() => h.call(mode, { name: `once-${mode}` }));
    expect(again.value.code).toBe('ERR_USED_UP');
    expect(again.calls).toBe(0);
  });

  it(`R4 an unlimited credential, with the master key or an unlimited key, still retries once: 2 upstream calls, then the 401 (${mode})`, async () => {
    const unlimitedKey = await h.service.createAccessKey({ for: ['unlimited'] });
    for (const key of [h.masterKey, unlimitedKey.key]) {
      const refreshes = forcedRefreshes();
      try {
        const answer = await h.counted(() => h.call(mode, { name: 'unlimited', key }));
        expect(answer.value.status).toBe(401);
        expect(answer.calls).toBe(2);
        expect(refreshes.count()).toBe(1);
      } finally {
        refreshes.restore();
      }
    }
  });
});
