import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccessControl } from '../../../electron/core/access/access-control.ts';
import { mintKey } from '../../../electron/core/access/access-keys.ts';
import { AccessStore, type SecretStore } from '../../../electron/core/access/access-store.ts';
import { startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';

/** An in-memory vault secret store that writes at once. */
class MemorySecrets implements SecretStore {
  values = new Map<string, string>();
  isLocked(): boolean {
    return false;
  }
  getSecret(name: string): string | undefined {
    return this.values.get(name);
  }
  async setSecret(name: string, value: string | undefined): Promise<void> {
    if (value === undefined) this.values.delete(name);
    else this.values.set(name, value);
  }
}

let h: ProxyHarness;
let store: AccessStore;

beforeAll(async () => {
  h = await startHarness();
  store = new AccessStore(new MemorySecrets());
  h.backend.access = new AccessControl({ store });
  h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true, policy: { methods: ['GET'] } });
});
afterAll(async () => {
  await h.close();
});

describe('usage events name the access key, never the key itself', () => {
  it('A5 a request made with an access key records its id; a refused one records the refusal status', async () => {
    const { key, stored } = mintKey({ for: ['api'] }, new Date());
    await store.add(stored, Date.now());
    const ok = await h.send({ path: '/api/x', headers: { 'x-tokenwarden-key': key } });
    const refused = await h.send({ method: 'DELETE', path: '/api/x', headers: { 'x-tokenwarden-key': key } });
    const owner = await h.send({ path: '/api/y', headers: { 'x-tokenwarden-key': h.backend.keyString() } });
    expect([ok.status, refused.status, owner.status]).toEqual([200, 403, 200]);
    expect(h.backend.usage.map((u) => [u.status, u.keyId])).toEqual([
      [200, stored.id],
      [403, stored.id],
      [200, undefined],
    ]);
    expect(JSON.stringify(h.backend.usage)).not.toContain(key.slice(4, 24));
    expect(h.logs.join('\n')).not.toContain(key.slice(4, 24));
  });
});
