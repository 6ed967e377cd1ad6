import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TokenManager } from '../../../electron/core/lifecycle/token-manager.ts';
import type { Vault } from '../../../electron/core/vault/vault.ts';
import { ManualClock } from '../../fixtures/idp-clock.ts';
import { countingFetch, jsonResponse, type CountingFetch } from '../../fixtures/idp-fetch.ts';
import { gateTokenEndpoint } from '../../fixtures/idp-gate.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { PASSPHRASE, tempHome, unlockedVault } from '../../fixtures/vault-helpers.ts';

const idp = useIdp();

let vault: Vault;
let counter: CountingFetch;
let manager: TokenManager;
let cleanup: () => void;
beforeEach(async () => {
  const home = tempHome('tw-oauth-persist-');
  cleanup = home.cleanup;
  vault = await unlockedVault(home.home);
  const clock = new ManualClock(Date.now());
  counter = countingFetch();
  manager = new TokenManager({ store: vault, now: clock.now, timers: clock.timers, random: () => 0.5, fetch: counter.fetch });
});
afterEach(() => {
  manager.stop();
  cleanup();
});

async function addRefreshImport(refreshToken: string): Promise<void> {
  // Expired a minute ago on every clock in the test, so the first ensureFresh refreshes.
  const at = new Date(Date.now() - 60_000).toISOString();
  await vault.insert({
    name: 'rt',
    kind: 'oauth',
    hosts: ['https://api.example.test'],
    authPolicy: 'reject',
    allowInsecureLoopback: true,
    oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'refresh-token' },
    tokens: { accessToken: 'imported-placeholder', refreshToken, tokenType: 'Bearer', receivedAt: at, expiresAt: at, scopes: [] },
  });
}

describe('rotated refresh tokens reach the real vault', () => {
  it('O7 S6 R6 locking during a refresh waits for it, so the refresh token the IdP rotated is persisted before the DEK goes', async () => {
    const original = await idp.mintRefreshToken();
    await addRefreshImport(original);
    const gate = gateTokenEndpoint(counter);
    const refreshing = manager.ensureFresh('rt');
    await gate.started;
    const locking = manager.settle(() => vault.lock());
    gate.release();
    const access = await refreshing;
    await locking;
    expect(vault.isLocked()).toBe(true);
    await vault.unlock(PASSPHRASE);
    const stored = vault.get('rt')!.tokens!;
    expect(stored.accessToken).toBe(access);
    expect(stored.refreshToken).not.toBe(original);
    // The persisted one is the live grant; the old one is dead (replaying it then revokes the chain, O7).
    expect((await idp.introspect(stored.refreshToken!)).active).toBe(true);
    expect((await idp.refreshDirect(original)).body.error).toBe('invalid_grant');
  });

  it('O7 a large or unusual IdP-issued refresh token is persisted: paste rules do not apply to what the IdP already rotated', async () => {
    await addRefreshImport('rt-before-0001');
    const unusual = `${'r'.repeat(20 * 1024)} ~with a space`;
    counter.intercept = (call) =>
      call.url.endsWith('/token') ? jsonResponse(200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 300, refresh_token: unusual }) : undefined;
    expect(await manager.ensureFresh('rt')).toBe('at-new');
    expect(vault.get('rt')!.tokens!.refreshToken).toBe(unusual);
  });
});
