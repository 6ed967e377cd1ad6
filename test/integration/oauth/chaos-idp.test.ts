import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isExpired } from '../../../electron/core/lifecycle/refresh-policy.ts';
import { TokenManager } from '../../../electron/core/lifecycle/token-manager.ts';
import type { Vault } from '../../../electron/core/vault/vault.ts';
import { chaosIdp, type ChaosIdp } from '../../fixtures/idp-chaos.ts';
import { ManualClock } from '../../fixtures/idp-clock.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { startIntrospectingUpstream, startLifecycleProxy, type LifecycleProxy } from '../../fixtures/idp-proxy.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { tempHome, unlockedVault } from '../../fixtures/vault-helpers.ts';

const idp = useIdp({ accessTokenTtl: 120 });
const NAMES = ['alpha', 'beta', 'gamma', 'doomed'];
const ROUNDS = 24;
const REQUESTS_PER_CREDENTIAL = 4;

let vault: Vault;
let clock: ManualClock;
let manager: TokenManager;
let chaos: ChaosIdp;
let proxy: LifecycleProxy;
let upstream: Awaited<ReturnType<typeof startIntrospectingUpstream>>;
let cleanup: () => void;
const expiredInjections: string[] = [];
const statuses = new Map<number, number>();

beforeAll(async () => {
  const t = tempHome('tw-chaos-');
  cleanup = t.cleanup;
  vault = await unlockedVault(t.home);
  clock = new ManualClock(Date.now());
  chaos = chaosIdp({
    issuer: idp.issuer,
    nameOf: (refreshToken) => vault.list().find((r) => r.tokens?.refreshToken === refreshToken)?.name,
    // One credential meets a real invalid_grant on its 3rd refresh; the others only ever see transient faults.
    invalidGrantAt: new Map([['doomed', 3]]),
  });
  manager = new TokenManager({ store: vault, now: clock.now, timers: clock.timers, fetch: chaos.fetch, idpTimeoutSeconds: 1 });
  upstream = await startIntrospectingUpstream(idp);
  for (const name of NAMES) {
    await vault.insert({
      name,
      kind: 'oauth',
      hosts: [upstream.origin],
      authPolicy: 'reject',
      allowInsecureLoopback: true,
      oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'refresh-token' },
      // An imported refresh token that is already due: the first request refreshes.
      tokens: { accessToken: `imported-${name}`, refreshToken: await idp.mintRefreshToken(), receivedAt: new Date(clock.now()).toISOString(), expiresAt: new Date(clock.now()).toISOString(), scopes: [] },
    });
  }
  proxy = await startLifecycleProxy(vault, manager, {
    onToken: (name, token) => {
      const tokens = vault.get(name)?.tokens;
      if (!tokens || tokens.accessToken !== token || isExpired(tokens, clock.now())) expiredInjections.push(name);
    },
  });
  // Bounded: ROUNDS rounds of concurrent requests, the manager's clock moving 100 s (past each refresh point) between them.
  for (let round = 0; round < ROUNDS; round++) {
    const requests = NAMES.flatMap((name) =>
      Array.from({ length: REQUESTS_PER_CREDENTIAL }, () => send(proxy.proxy.port, { path: `/${name}/data`, headers: { 'x-tokenwarden-key': proxy.key } })),
    );
    for (const res of await Promise.all(requests)) statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    clock.advance(100_000);
  }
}, 240_000);

afterAll(async () => {
  manager?.stop();
  await proxy?.close();
  await upstream?.close();
  cleanup?.();
});

describe('chaos IdP: latency, 5xx, timeouts and invalid_grant against the real refresh engine and proxy', () => {
  it('the fault mix really happened (the test cannot pass by accident)', () => {
    expect(chaos.faults.pass).toBeGreaterThan(0);
    expect(chaos.faults.latency).toBeGreaterThan(0);
    expect(chaos.faults['5xx']).toBeGreaterThan(0);
    expect(chaos.faults.timeout).toBeGreaterThan(0);
    expect(chaos.faults.invalid_grant).toBe(1);
    expect(statuses.get(200)).toBeGreaterThan(0);
  });

  it('R6 no request gets an expired token: the proxy refuses instead, and the resource server never sees a dead one', () => {
    expect(expiredInjections).toEqual([]);
    expect(upstream.rejected).toBe(0);
    for (const status of statuses.keys()) expect([200, 428, 503]).toContain(status);
  });

  it('R3 at most one refresh is in flight per credential, whatever the IdP does', () => {
    for (const name of NAMES) expect(chaos.maxInFlight.get(name), name).toBe(1);
  });

  it('O7 no refresh token is lost: every credential that is not needs-login holds a refresh token the IdP still honours', async () => {
    for (const name of NAMES.filter((n) => n !== 'doomed')) {
      const record = vault.get(name)!;
      expect(record.state, name).not.toBe('needs-login');
      expect((await idp.introspect(record.tokens!.refreshToken!)).active, name).toBe(true);
    }
  });

  it('O8 the status ends as needs-login only after a real invalid_grant from the IdP', () => {
    expect([...chaos.realInvalidGrants]).toEqual(['doomed']);
    for (const name of NAMES) {
      expect(vault.get(name)!.state === 'needs-login', name).toBe(chaos.realInvalidGrants.has(name));
    }
  });
});
