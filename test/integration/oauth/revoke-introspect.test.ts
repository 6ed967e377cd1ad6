import { describe, expect, it } from 'vitest';
import { codeOf } from '../../fixtures/idp-errors.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { jsonResponse } from '../../fixtures/idp-fetch.ts';
import { gateTokenEndpoint } from '../../fixtures/idp-gate.ts';
import { addClientCredentials, addRefreshImport, harness } from '../../fixtures/idp-harness.ts';

const idp = useIdp();

/** Timers that record each requested delay and fire at once, so Retry-After waits cost no wall time. */
function recordingTimers(delays: number[]) {
  return {
    setTimeout: ((fn: () => void, ms?: number) => {
      delays.push(ms ?? 0);
      return setTimeout(fn, 0);
    }) as unknown as typeof setTimeout,
    clearTimeout,
  };
}

describe('O11 revoke racing a refresh', () => {
  it('O11 revoke waits for the in-flight refresh, then wipes and revokes the rotated tokens; nothing is put back', async () => {
    const h = harness();
    const original = await idp.mintRefreshToken();
    addRefreshImport(h, idp, original);
    const gate = gateTokenEndpoint(h.counter);
    const refreshing = h.manager.ensureFresh('rt');
    await gate.started;
    const revoking = h.manager.revoke('rt');
    gate.release();
    const access = await refreshing;
    const result = await revoking;
    const stored = h.store.disk.get('rt')!;
    expect(stored.state).toBe('revoked');
    expect(stored.tokens).toBeUndefined();
    const revoked = h.counter.calls.filter((c) => c.url.endsWith('/token/revocation')).map((c) => new URLSearchParams(c.body).get('token'));
    expect(revoked).toHaveLength(2);
    expect(revoked).not.toContain(original);
    expect(revoked[1]).toBe(access);
    expect(result.outcome).toBe('confirmed');
    expect((await idp.introspect(access)).active).toBe(false);
    expect((await idp.introspect(revoked[0]!)).active).toBe(false);
  });

  it.each(['revoked', 'needs-login'] as const)('O11 a refresh finishing after the record became %s does not write its tokens back', async (state) => {
    const h = harness();
    addRefreshImport(h, idp, 'rt-in-flight-0001');
    const gate = gateTokenEndpoint(h.counter, () =>
      jsonResponse(200, { access_token: 'at-late', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-late-rotated' }),
    );
    const refreshing = h.manager.ensureFresh('rt');
    await gate.started;
    // Another writer (a revoke in a sibling process, an invalid_grant) changed the record while the IdP answered.
    await h.store.update('rt', (r) => {
      const { tokens: _wiped, ...rest } = r;
      return { ...rest, state };
    });
    gate.release();
    expect(await codeOf(refreshing)).toBe('ERR_TOKEN_UNAVAILABLE');
    const stored = h.store.disk.get('rt')!;
    expect(stored.state).toBe(state);
    expect(stored.tokens).toBeUndefined();
  });
});

describe('O11 revoke', () => {
  it('O11 revokes the refresh token then the access token in POST bodies; the IdP then reports both inactive', async () => {
    const h = harness();
    addRefreshImport(h, idp, await idp.mintRefreshToken());
    const access = await h.manager.ensureFresh('rt');
    const refresh = h.store.get('rt')!.tokens!.refreshToken!;
    expect((await idp.introspect(access)).active).toBe(true);
    const result = await h.manager.revoke('rt');
    expect(result.outcome).toBe('confirmed');
    const revocations = h.counter.calls.filter((c) => c.url.endsWith('/token/revocation'));
    expect(revocations.map((c) => [c.method, new URLSearchParams(c.body).get('token_type_hint')])).toEqual([
      ['POST', 'refresh_token'],
      ['POST', 'access_token'],
    ]);
    expect(h.counter.calls.some((c) => c.url.includes(access) || c.url.includes(refresh))).toBe(false);
    expect((await idp.introspect(access)).active).toBe(false);
    expect((await idp.introspect(refresh)).active).toBe(false);
    const stored = h.store.disk.get('rt')!;
    expect(stored.tokens).toBeUndefined();
    expect(stored.state).toBe('revoked');
    expect(h.manager.statusOf(stored)).toBe('revoked');
    expect(await codeOf(h.manager.ensureFresh('rt'))).toBe('ERR_TOKEN_UNAVAILABLE');
  });

  it('O11 honours Retry-After on 503 once, and reports not-confirmed while still wiping locally', async () => {
    const delays: number[] = [];
    const h = harness({ timers: recordingTimers(delays) });
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    h.counter.intercept = (call) => (call.url.endsWith('/token/revocation') ? jsonResponse(503, { error: 'temporarily_unavailable' }, { 'retry-after': '7' }) : undefined);
    const result = await h.manager.revoke('cc');
    expect(result.outcome).toBe('not-confirmed');
    expect(result.detail).toContain('Revocation not confirmed');
    expect(delays).toEqual([7_000]);
    expect(h.counter.calls.filter((c) => c.url.endsWith('/token/revocation'))).toHaveLength(2);
    expect(h.store.disk.get('cc')!.tokens).toBeUndefined();
  });

  it('O11 a 503 followed by success after Retry-After is confirmed', async () => {
    const delays: number[] = [];
    const h = harness({ timers: recordingTimers(delays) });
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const access = h.store.get('cc')!.tokens!.accessToken;
    let first = true;
    h.counter.intercept = (call) => {
      if (!call.url.endsWith('/token/revocation') || !first) return undefined;
      first = false;
      return jsonResponse(503, { error: 'temporarily_unavailable' }, { 'retry-after': '2' });
    };
    expect((await h.manager.revoke('cc')).outcome).toBe('confirmed');
    expect(delays).toEqual([2_000]);
    expect((await idp.introspect(access)).active).toBe(false);
  });

  it('O11 unsupported_token_type is reported as unsupported, not as success', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    h.counter.intercept = (call) => (call.url.endsWith('/token/revocation') ? jsonResponse(400, { error: 'unsupported_token_type' }) : undefined);
    const result = await h.manager.revoke('cc');
    expect(result.outcome).toBe('unsupported');
    expect(h.store.disk.get('cc')!.state).toBe('revoked');
  });

  it('O11 an unreachable IdP is not-confirmed, and a static token is unsupported; both are wiped', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    h.counter.intercept = (call) => (call.url.endsWith('/token/revocation') ? Promise.reject(new TypeError('fetch failed')) : undefined);
    expect((await h.manager.revoke('cc')).outcome).toBe('not-confirmed');
    h.store.insert({ name: 'pat', kind: 'static', tokens: { accessToken: 'static-token-value', receivedAt: new Date().toISOString() } });
    const result = await h.manager.revoke('pat');
    expect(result.outcome).toBe('unsupported');
    expect(h.store.disk.get('pat')!.tokens).toBeUndefined();
  });
});

describe('O12 introspect', () => {
  it('O12 is not available without a client secret and makes no IdP call', async () => {
    const h = harness();
    addRefreshImport(h, idp, 'some-refresh-token-value', 'public', false);
    expect(await codeOf(h.manager.introspect('public'))).toBe('ERR_NOT_AVAILABLE');
    expect(h.counter.calls).toHaveLength(0);
  });

  it('O12 shows active with scope, exp and client_id, and a token revoked elsewhere as inactive', async () => {
    const h = harness();
    addRefreshImport(h, idp, await idp.mintRefreshToken());
    const access = await h.manager.ensureFresh('rt');
    const view = await h.manager.introspect('rt');
    expect(view).toMatchObject({ active: true, clientId: 'tw-confidential' });
    expect(view.exp).toBeGreaterThan(Date.now() / 1000);
    await fetch(`${idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('tw-confidential:tw-confidential-secret-0123456789abcdef').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: access }),
    });
    expect((await h.manager.introspect('rt')).active).toBe(false);
  });
});

describe('rotate', () => {
  it('rotate (client credentials) switches to a new token at once and revokes the old one at the IdP', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const old = await h.manager.ensureFresh('cc');
    await h.manager.rotate('cc');
    const fresh = await h.manager.ensureFresh('cc');
    expect(fresh).not.toBe(old);
    expect((await idp.introspect(old)).active).toBe(false);
    expect((await idp.introspect(fresh)).active).toBe(true);
    const revocations = h.counter.calls.filter((c) => c.url.endsWith('/token/revocation'));
    expect(revocations.map((c) => new URLSearchParams(c.body).get('token_type_hint'))).toEqual(['access_token']);
  });

  it('rotate (refresh chain) does not revoke the old access token, which at this IdP would revoke the new set too', async () => {
    const h = harness();
    addRefreshImport(h, idp, await idp.mintRefreshToken());
    const old = await h.manager.ensureFresh('rt');
    const oldRefresh = h.store.get('rt')!.tokens!.refreshToken!;
    await h.manager.rotate('rt');
    const fresh = await h.manager.ensureFresh('rt');
    expect(fresh).not.toBe(old);
    expect(h.store.get('rt')!.tokens!.refreshToken).not.toBe(oldRefresh);
    expect(h.counter.calls.some((c) => c.url.endsWith('/token/revocation'))).toBe(false);
    expect((await idp.introspect(fresh)).active).toBe(true);
  });

  it('rotate (oauth) fails loudly instead of keeping the old token when the IdP refuses', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const old = h.store.get('cc')!.tokens!.accessToken;
    h.counter.intercept = (call) => (call.url.endsWith('/token') ? jsonResponse(503, { error: 'temporarily_unavailable' }) : undefined);
    expect(await codeOf(h.manager.rotate('cc'))).toBe('ERR_IDP');
    expect(h.counter.calls.some((c) => c.url.endsWith('/token/revocation'))).toBe(false);
    expect((await idp.introspect(old)).active).toBe(true);
  });
});
