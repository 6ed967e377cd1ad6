import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, openTunnel, startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
  await h.addCredential('github');
  await h.addCredential('gitlab');
  await h.addCredential('narrow', { methods: ['GET'], paths: ['/v1/**'] });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe.each(MODES)('access keys in %s mode', (mode) => {
  it(`A5 a twk_ key works where the master key does, and only for its credentials (${mode})`, async () => {
    const created = await h.service.createAccessKey({ for: ['github'], label: `test ${mode}` });
    expect(created.key).toMatch(/^twk_[A-Za-z0-9_-]{43}$/);
    expect((await h.call(mode, { name: 'github', key: created.key })).status).toBe(200);
    const other = await h.counted(() => h.call(mode, { name: 'gitlab', key: created.key }));
    expect(other.value.status).toBe(403);
    expect(other.value.code).toBe('ERR_KEY_SCOPE');
    expect(other.calls).toBe(0);
  });

  it(`A3 a key narrows (methods, paths) but never widens the credential's policy (${mode})`, async () => {
    const narrower = await h.service.createAccessKey({ for: ['github'], methods: ['GET'], paths: ['/v1/items'] });
    expect((await h.call(mode, { name: 'github', key: narrower.key })).status).toBe(200);
    expect((await h.call(mode, { name: 'github', key: narrower.key, method: 'POST' })).code).toBe('ERR_KEY_SCOPE');
    expect((await h.call(mode, { name: 'github', key: narrower.key, path: '/v1/other' })).code).toBe('ERR_KEY_SCOPE');
    // A key that lists more than the credential allows gets only what the credential allows.
    const wider = await h.service.createAccessKey({ for: ['narrow'], methods: ['GET', 'POST', 'DELETE'], paths: ['/**'] });
    const post = await h.counted(() => h.call(mode, { name: 'narrow', key: wider.key, method: 'POST' }));
    expect(post.value.code).toBe('ERR_POLICY');
    expect(post.calls).toBe(0);
    expect((await h.call(mode, { name: 'narrow', key: wider.key, path: '/v2/x' })).code).toBe('ERR_POLICY');
    expect((await h.call(mode, { name: 'narrow', key: wider.key })).status).toBe(200);
  });

  it(`A2 A5 an N-use key: N requests, then 401 ERR_KEY_USED_UP with 0 upstream calls (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['github'], uses: 2 });
    expect(key.usesLeft).toBe(2);
    expect((await h.call(mode, { name: 'github', key: key.key })).status).toBe(200);
    expect((await h.call(mode, { name: 'github', key: key.key })).status).toBe(200);
    const third = await h.counted(() => h.call(mode, { name: 'github', key: key.key }));
    expect(third.value.status).toBe(401);
    expect(third.value.code).toBe('ERR_KEY_USED_UP');
    expect(third.calls).toBe(0);
    expect((await h.service.listAccessKeys()).find((k) => k.id === key.id)).toMatchObject({ status: 'used-up', usesLeft: 0 });
  });

  it(`A5 an expired key gets 401 ERR_KEY_EXPIRED (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['github'], ttlSeconds: 60 });
    expect((await h.call(mode, { name: 'github', key: key.key })).status).toBe(200);
    h.clock.now += 61_000;
    try {
      const late = await h.counted(() => h.call(mode, { name: 'github', key: key.key }));
      expect(late.value.status).toBe(401);
      expect(late.value.code).toBe('ERR_KEY_EXPIRED');
      expect(late.calls).toBe(0);
    } finally {
      h.clock.now -= 61_000;
    }
  });

  it(`A5 revoke takes effect on the very next request: 401 ERR_KEY_REVOKED (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['github'] });
    expect((await h.call(mode, { name: 'github', key: key.key })).status).toBe(200);
    const revoked = await h.service.revokeAccessKey(key.id);
    expect(revoked.status).toBe('revoked');
    const next = await h.counted(() => h.call(mode, { name: 'github', key: key.key }));
    expect(next.value.status).toBe(401);
    expect(next.value.code).toBe('ERR_KEY_REVOKED');
    expect(next.calls).toBe(0);
  });

  it(`A1 a key rate limit answers 429 with Retry-After (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['github'], rate: '1/h' });
    expect((await h.call(mode, { name: 'github', key: key.key })).status).toBe(200);
    const second = await h.counted(() => h.call(mode, { name: 'github', key: key.key }));
    expect(second.value.status).toBe(429);
    expect(second.value.code).toBe('ERR_RATE_LIMITED');
    expect(Number(second.value.headers['retry-after'])).toBeGreaterThan(3000);
    expect(second.calls).toBe(0);
  });

  it(`P3 an unknown twk_ key is just a wrong key (${mode})`, async () => {
    const res = await h.call(mode, { name: 'github', key: `twk_${'A'.repeat(43)}` });
    expect(res.status).toBe(mode === 'gateway' ? 401 : 407);
  });
});

describe('access keys: revocation inside an open CONNECT tunnel', () => {
  it('A5 a tunnel opened with a key stops at the next request after revoke', async () => {
    const key = await h.service.createAccessKey({ for: ['github'] });
    const tunnel = await openTunnel(h, 'github', key.key);
    try {
      expect((await tunnel.send('/v1/a')).status).toBe(200);
      await h.service.revokeAccessKey(key.id);
      const before = h.upstreamCalls();
      const after = await tunnel.send('/v1/b');
      expect(after.status).toBe(401);
      expect(after.code).toBe('ERR_KEY_REVOKED');
      expect(h.upstreamCalls()).toBe(before);
    } finally {
      tunnel.close();
    }
  });
});

describe('access key management', () => {
  it('A5 only a hash is stored: the vault file and every file in the data dir lack the key', async () => {
    const key = await h.service.createAccessKey({ for: ['github'], label: 'grep me' });
    const files = await readdir(h.home, { recursive: true });
    for (const file of files) {
      const text = await readFile(join(h.home, file)).catch(() => Buffer.alloc(0));
      expect(text.includes(key.key)).toBe(false);
      expect(text.includes(key.key.slice(4, 30))).toBe(false);
    }
    const listed = await h.service.listAccessKeys();
    expect(JSON.stringify(listed)).not.toContain(key.key.slice(4, 30));
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ label: 'grep me', for: ['github'], status: 'active', usesLeft: null, expiresAt: null, revokedAt: null });
  });

  it('bad input gets clear coded errors: unknown --for, revoked or unknown key ids, --uses 0, --ttl -1', async () => {
    await expect(h.service.createAccessKey({ for: ['nobody'] })).rejects.toMatchObject({ code: 'ERR_NOT_FOUND', message: expect.stringContaining('"nobody"') });
    await expect(h.service.createAccessKey({ for: ['github'], uses: 0 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(h.service.createAccessKey({ for: ['github'], ttlSeconds: -1 })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    await expect(h.service.revokeAccessKey('ak_unknown000')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
    const key = await h.service.createAccessKey({ for: ['github'] });
    await h.service.revokeAccessKey(key.id);
    await expect(h.service.revokeAccessKey(key.id)).rejects.toMatchObject({ code: 'ERR_KEY_REVOKED', message: expect.stringContaining('already revoked') });
  });

  it('A6 a whileConnected key needs a connection, ends the moment it closes, and the end is audited', async () => {
    await expect(h.service.createAccessKey({ for: ['github'], whileConnected: true })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    const connection = new AbortController();
    const created = await h.service.createAccessKey({ for: ['github'], whileConnected: true }, { connection: connection.signal });
    expect(created.whileConnected).toBe(true);
    expect((await h.call('gateway', { name: 'github', key: created.key })).status).toBe(200);
    const audited = new Promise<void>((resolve) =>
      h.service.onEvent((e) => e.type === 'audit' && e.entries.some((a) => a.action === 'key-revoke' && a.key === created.id) && resolve()),
    );
    connection.abort();
    await audited;
    expect((await h.service.listAccessKeys()).find((k) => k.id === created.id)?.status).toBe('revoked');
    const after = await h.counted(() => h.call('gateway', { name: 'github', key: created.key }));
    expect([after.value.code, after.calls]).toEqual(['ERR_KEY_REVOKED', 0]);
  });

  it('removing a credential takes it out of every key', async () => {
    await h.addCredential('temp');
    const key = await h.service.createAccessKey({ for: ['temp', 'github'] });
    await h.service.remove('temp');
    expect((await h.service.listAccessKeys()).find((k) => k.id === key.id)!.for).toEqual(['github']);
    await h.addCredential('temp');
    expect((await h.call('gateway', { name: 'temp', key: key.key })).code).toBe('ERR_KEY_SCOPE');
  });
});

describe('P1 the key is checked before the lock state is revealed', () => {
  it('P1 locked: the master key and a live access key get 423; a wrong, unknown or revoked key gets 401/407', async () => {
    const live = await h.service.createAccessKey({ for: ['github'] });
    const dead = await h.service.createAccessKey({ for: ['github'] });
    await h.service.revokeAccessKey(dead.id);
    await h.service.lock();
    try {
      for (const mode of MODES) {
        expect((await h.call(mode, { name: 'github' })).status).toBe(423);
        expect((await h.call(mode, { name: 'github', key: live.key })).status).toBe(423);
        const wrong = await h.call(mode, { name: 'github', key: 'not-the-key' });
        expect(wrong.status).toBe(mode === 'gateway' ? 401 : 407);
        expect(wrong.code).not.toBe('ERR_LOCKED');
        expect((await h.call(mode, { name: 'github', key: dead.key })).code).toBe('ERR_KEY_REVOKED');
      }
    } finally {
      await h.service.unlock();
    }
    expect((await h.call('gateway', { name: 'github', key: live.key })).status).toBe(200);
  });
});
