import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenManager } from '../../../electron/core/lifecycle/token-manager.ts';
import type { Vault } from '../../../electron/core/vault/vault.ts';
import { ManualClock } from '../../fixtures/idp-clock.ts';
import { countingFetch, type CountingFetch } from '../../fixtures/idp-fetch.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { startIntrospectingUpstream, startLifecycleProxy, type LifecycleProxy } from '../../fixtures/idp-proxy.ts';
import { send } from '../../fixtures/proxy-client.ts';
import type { TestUpstream } from '../../fixtures/proxy-upstream.ts';
import { tempHome, unlockedVault } from '../../fixtures/vault-helpers.ts';

const idp = useIdp();

interface World {
  vault: Vault;
  clock: ManualClock;
  counter: CountingFetch;
  manager: TokenManager;
  upstream: TestUpstream & { accepted: number; rejected: number };
  proxy: LifecycleProxy;
  cleanup: () => void;
}

let w: World;
beforeEach(async () => {
  const { home, cleanup } = tempHome('tw-oauth-proxy-');
  const vault = await unlockedVault(home);
  const clock = new ManualClock(Date.now());
  const counter = countingFetch();
  const manager = new TokenManager({ store: vault, now: clock.now, timers: clock.timers, random: () => 0.5, fetch: counter.fetch });
  const upstream = await startIntrospectingUpstream(idp);
  await vault.insert({
    name: 'api',
    kind: 'oauth',
    hosts: [upstream.origin],
    authPolicy: 'reject',
    allowInsecureLoopback: true,
    oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'client-credentials' },
  });
  const proxy = await startLifecycleProxy(vault, manager);
  w = { vault, clock, counter, manager, upstream, proxy, cleanup };
});
afterEach(async () => {
  w.manager.stop();
  await w.proxy.close();
  await w.upstream.close();
  w.cleanup();
});

function get(path = '/api/data') {
  return send(w.proxy.proxy.port, { path, headers: { 'x-tokenwarden-key': w.proxy.key } });
}

describe('the proxy on top of the lifecycle engine, with the real vault', () => {
  it('injects a client-credentials token that the resource server validates at the IdP', async () => {
    await w.manager.login('api');
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body).toBe('hello from the resource server');
    expect(w.upstream.accepted).toBe(1);
  });

  it('R6 serves the valid token while the IdP is down, answers 503 with 0 upstream calls after expiry, and recovers', async () => {
    await w.manager.login('api');
    // This resource server trusts the bearer without asking the (now stopped) IdP.
    w.upstream.handler = (req, res) => {
      res.writeHead(req.headers.authorization?.startsWith('Bearer ') ? 200 : 401).end();
    };
    await idp.stop();
    try {
      w.clock.advance(100_000);
      expect((await get()).status).toBe(200);
      expect(w.upstream.calls).toHaveLength(1);
      w.clock.advance(21_000);
      const refused = await get();
      expect(refused.status).toBe(503);
      expect(refused.json?.error?.code).toBe('ERR_TOKEN_UNAVAILABLE');
      expect(w.upstream.calls).toHaveLength(1);
      expect(w.vault.get('api')!.tokens).toBeDefined();
    } finally {
      await idp.start();
    }
    w.clock.advance(10 * 60_000);
    expect((await get()).status).toBe(200);
    expect(w.upstream.calls).toHaveLength(2);
  });

  it('R4 a GET that gets 401 is retried once with a force-refreshed token; a streamed POST is not retried', async () => {
    await w.manager.login('api');
    const first = w.vault.get('api')!.tokens!.accessToken;
    // The IdP revokes the current token behind our back: the upstream now answers 401 for it.
    await fetch(`${idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CONFIDENTIAL_CLIENT}:${CONFIDENTIAL_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: first }),
    });
    const res = await get();
    expect(res.status).toBe(200);
    expect(w.upstream.calls.map((c) => c.headers.authorization === `Bearer ${first}`)).toEqual([true, false]);
    expect(w.proxy.tokenRequests.filter((r) => r.force)).toHaveLength(1);

    const second = w.vault.get('api')!.tokens!.accessToken;
    await fetch(`${idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CONFIDENTIAL_CLIENT}:${CONFIDENTIAL_SECRET}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: second }),
    });
    async function* streamed() {
      yield Buffer.from('{"part":1,');
      yield Buffer.from('"part2":2}');
    }
    const before = w.upstream.calls.length;
    const post = await send(w.proxy.proxy.port, { method: 'POST', path: '/api/items', headers: { 'x-tokenwarden-key': w.proxy.key, 'transfer-encoding': 'chunked', 'content-type': 'application/json' }, body: streamed() });
    expect(post.status).toBe(401);
    expect(w.upstream.calls.length - before).toBe(1);
  });
});
