import { describe, expect, it } from 'vitest';
import { mintKey } from '../../../../../electron/core/access/access-keys.ts';
import { ACCESS_SECRET, AccessStore, type SecretStore } from '../../../../../electron/core/access/access-store.ts';

class FakeSecrets implements SecretStore {
  locked = false;
  values = new Map<string, string>();
  writes = 0;
  pending: (() => void)[] = [];
  isLocked(): boolean {
    return this.locked;
  }
  getSecret(name: string): string | undefined {
    return this.values.get(name);
  }
  /** Writes complete only when the test says so, to see group commit. */
  setSecret(name: string, value: string | undefined): Promise<void> {
    this.writes++;
    return new Promise((resolve) =>
      this.pending.push(() => {
        if (value === undefined) this.values.delete(name);
        else this.values.set(name, value);
        resolve();
      }),
    );
  }
  flush(): void {
    const p = this.pending;
    this.pending = [];
    p.forEach((f) => f());
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe('access store', () => {
  it('A2 group commit: uses taken during a write share one follow-up write, and every waiter resolves after its use is on disk', async () => {
    const vault = new FakeSecrets();
    const store = new AccessStore(vault);
    store.takeCredentialUse('rec1');
    const first = store.save();
    store.takeCredentialUse('rec1');
    const second = store.save();
    store.takeCredentialUse('rec1');
    const third = store.save();
    expect(second).toBe(third);
    expect(vault.writes).toBe(1);
    vault.flush();
    await first;
    await tick();
    expect(vault.writes).toBe(2);
    vault.flush();
    await Promise.all([second, third]);
    expect(JSON.parse(vault.values.get(ACCESS_SECRET)!).uses).toEqual({ rec1: 3 });
  });

  it('A2 counts survive a new store over the same vault (a restart)', async () => {
    const vault = new FakeSecrets();
    const store = new AccessStore(vault);
    const { stored } = mintKey({ for: ['api'], uses: 2 }, new Date());
    const adding = store.add(stored, Date.now());
    vault.flush();
    await adding;
    store.takeKeyUse(store.byId(stored.id)!);
    store.takeCredentialUse('rec');
    const saving = store.save();
    vault.flush();
    await saving;
    const restarted = new AccessStore(vault);
    expect(restarted.byId(stored.id)!.used).toBe(1);
    expect(restarted.credentialUses('rec')).toBe(1);
  });

  it('A5 stores only the hash: the key text is nowhere in what is written', async () => {
    const vault = new FakeSecrets();
    const store = new AccessStore(vault);
    const { key, stored } = mintKey({ for: ['api'], label: 'ci' }, new Date());
    const adding = store.add(stored, Date.now());
    vault.flush();
    await adding;
    const text = vault.values.get(ACCESS_SECRET)!;
    expect(key.startsWith('twk_')).toBe(true);
    expect(text).not.toContain(key);
    expect(text).not.toContain(key.slice(4, 24));
  });

  it('P1 keeps the key table across lock, and re-reads the vault after unlock', async () => {
    const vault = new FakeSecrets();
    const store = new AccessStore(vault);
    const { stored } = mintKey({ for: ['api'] }, new Date());
    const adding = store.add(stored, Date.now());
    vault.flush();
    await adding;
    vault.locked = true;
    store.onLock();
    expect(store.byHash(stored.hash)?.id).toBe(stored.id);
    vault.values.clear();
    vault.locked = false;
    expect(store.byHash(stored.hash)).toBeUndefined();
  });

  it('A6 a whileConnected key left by an earlier owner run is revoked on load, before anything can use it', async () => {
    const vault = new FakeSecrets();
    const first = new AccessStore(vault);
    const live = mintKey({ for: ['api'], whileConnected: true }, new Date()).stored;
    const plain = mintKey({ for: ['api'] }, new Date()).stored;
    for (const key of [live, plain]) {
      const adding = first.add(key, Date.now());
      vault.flush();
      await adding;
    }
    expect(first.byId(live.id)!.revokedAt).toBeNull();
    // The owner was killed with the connection still open: a new run cannot have that connection.
    const ended: string[] = [];
    const restarted = new AccessStore(vault, { now: () => new Date('2026-11-30T10:00:00Z'), onEnded: (id) => ended.push(id) });
    expect(restarted.byHash(live.hash)!.revokedAt).toBe('2026-11-30T10:00:00.000Z');
    expect(ended).toEqual([live.id]);
    expect(restarted.byHash(plain.hash)!.revokedAt).toBeNull();
    vault.flush();
    await tick();
    expect(JSON.parse(vault.values.get(ACCESS_SECRET)!).keys.find((k: { id: string }) => k.id === live.id).revokedAt).not.toBeNull();
  });

  it('A6/P1 a connection that closes while the vault is locked ends its key at once, and the unlock does not bring it back', async () => {
    const vault = new FakeSecrets();
    const ended: string[] = [];
    const store = new AccessStore(vault, { onEnded: (id) => ended.push(id) });
    const { stored } = mintKey({ for: ['api'], whileConnected: true }, new Date());
    const adding = store.add(stored, Date.now());
    vault.flush();
    await adding;
    vault.locked = true;
    store.onLock();
    const writes = vault.writes;
    await store.endConnection(stored.id);
    expect(store.byHash(stored.hash)!.revokedAt).not.toBeNull();
    expect(ended).toEqual([stored.id]);
    expect(vault.writes).toBe(writes);
    vault.locked = false;
    // The unlock re-reads the stored state, written before the revocation, and revokes it again there.
    expect(store.byHash(stored.hash)!.revokedAt).not.toBeNull();
    vault.flush();
    await tick();
    expect(JSON.parse(vault.values.get(ACCESS_SECRET)!).keys[0].revokedAt).not.toBeNull();
    await store.endConnection(stored.id);
    // Revoked once, audited once: the unlock's re-read and a second close change nothing.
    expect(ended).toEqual([stored.id]);
  });
});
