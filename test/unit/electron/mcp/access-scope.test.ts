import { describe, expect, it } from 'vitest';
import type { ControlApi } from '../../../../shared/contract.ts';
import type { AccessKeyCreated } from '../../../../shared/model.ts';
import { AccessKeyScope } from '../../../../electron/mcp/access-scope.ts';
import { TokenwardenError } from '../../../../electron/core/base/errors.ts';

/** An owner that mints and revokes keys in memory, like the real access store. */
function fakeOwner(existing: string[], now: () => number) {
  const keys = new Map<string, AccessKeyCreated & { revoked: boolean }>();
  let n = 0;
  const api = {
    list: async () => existing.map((name) => ({ name })),
    createAccessKey: async (input: { for: string[]; ttlSeconds?: number; label?: string }) => {
      for (const name of input.for) if (!existing.includes(name)) throw new TokenwardenError('ERR_NOT_FOUND', name);
      n++;
      const created = {
        id: `ak_test${n}xx`,
        key: `twk_secret_${n}`,
        for: input.for,
        label: input.label ?? null,
        expiresAt: input.ttlSeconds ? new Date(now() + input.ttlSeconds * 1000).toISOString() : null,
        usesLeft: null,
        createdAt: new Date(now()).toISOString(),
        revokedAt: null,
        status: 'active' as const,
      };
      keys.set(created.id, { ...created, revoked: false });
      return created;
    },
    revokeAccessKey: async (id: string) => {
      const key = keys.get(id);
      if (!key) throw new TokenwardenError('ERR_NOT_FOUND', id);
      if (key.revoked) throw new TokenwardenError('ERR_KEY_REVOKED', id);
      key.revoked = true;
      return key;
    },
  } as unknown as ControlApi;
  return { api, keys, existing };
}

describe('AccessKeyScope', () => {
  it('A6 M2 mints one key for the allowed credentials that exist, and refuses others before any call', async () => {
    const t = Date.parse('2026-01-01T00:00:00Z');
    const owner = fakeOwner(['github', 'jira', 'other'], () => t);
    const scope = new AccessKeyScope(owner.api, ['github', 'jira', 'missing'], { ttlSeconds: 3600, label: 'tkw mcp', log: () => undefined, now: () => t });
    await scope.prepare();
    expect([...owner.keys.values()].map((k) => k.for)).toEqual([['github', 'jira']]);
    expect(await scope.key('github')).toBe('twk_secret_1');
    expect(await scope.key('jira')).toBe('twk_secret_1');
    await expect(scope.key('other')).rejects.toMatchObject({ code: 'ERR_KEY_SCOPE' });
    expect(owner.keys.size).toBe(1);
  });

  it('renews the key before it expires and revokes the old one; both values stay redacted', async () => {
    let t = Date.parse('2026-01-01T00:00:00Z');
    const owner = fakeOwner(['github'], () => t);
    const scope = new AccessKeyScope(owner.api, ['github'], { ttlSeconds: 600, label: 'x', log: () => undefined, now: () => t });
    expect(await scope.key('github')).toBe('twk_secret_1');
    t += 590_000;
    expect(await scope.key('github')).toBe('twk_secret_2');
    expect(owner.keys.get('ak_test1xx')!.revoked).toBe(true);
    expect(scope.heldSecrets()).toEqual(['twk_secret_1', 'twk_secret_2']);
  });

  it('mints a wider key when an allowed credential appears later', async () => {
    const t = Date.now();
    const owner = fakeOwner(['github'], () => t);
    const scope = new AccessKeyScope(owner.api, ['github', 'jira'], { ttlSeconds: 600, label: 'x', log: () => undefined, now: () => t });
    await scope.key('github');
    owner.existing.push('jira');
    expect(await scope.key('jira')).toBe('twk_secret_2');
    expect(owner.keys.get('ak_test2xx')!.for).toEqual(['github', 'jira']);
  });

  it('a locked vault at start defers the key; close revokes every key it minted, once', async () => {
    const t = Date.now();
    const owner = fakeOwner(['github'], () => t);
    let locked = true;
    const api = { ...owner.api, list: async () => (locked ? Promise.reject(new TokenwardenError('ERR_LOCKED')) : owner.api.list()) } as ControlApi;
    const logs: string[] = [];
    const scope = new AccessKeyScope(api, ['github'], { ttlSeconds: 600, label: 'x', log: (l) => logs.push(l), now: () => t });
    await scope.prepare();
    expect(owner.keys.size).toBe(0);
    expect(logs.join()).toMatch(/ERR_LOCKED/);
    locked = false;
    await scope.key('github');
    await scope.close();
    await scope.close();
    expect([...owner.keys.values()].every((k) => k.revoked)).toBe(true);
    await expect(scope.key('github')).rejects.toMatchObject({ code: 'ERR_CANCELLED' });
  });
});
