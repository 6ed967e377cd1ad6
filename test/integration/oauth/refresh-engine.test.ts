import { generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { codeOf } from '../../fixtures/idp-errors.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { jsonResponse } from '../../fixtures/idp-fetch.ts';
import { addClientCredentials, addRefreshImport, harness } from '../../fixtures/idp-harness.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { deferred } from '../../fixtures/deferred.ts';

const idp = useIdp();

describe('client credentials', () => {
  it('mints a token with client_secret_basic and serves it without another call while valid', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const token = await h.manager.ensureFresh('cc');
    expect(token).toBe(h.store.get('cc')?.tokens?.accessToken);
    expect(h.counter.tokenCalls()).toHaveLength(1);
    expect(h.counter.tokenCalls()[0]!.body).not.toContain('client_secret');
    expect((await idp.introspect(token)).active).toBe(true);
    expect(h.manager.statusOf(h.store.get('cc')!)).toBe('valid');
  });
});

describe('O6 proactive refresh', () => {
  it('O6 refreshes a 120 s token at 96 s by the local receipt clock, 10 minutes off the IdP clock', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const first = h.store.get('cc')!.tokens!;
    expect(Date.parse(first.expiresAt!) - Date.parse(first.receivedAt)).toBe(120_000);
    h.manager.schedule('cc');
    expect(h.clock.pendingDelays()).toEqual([96_000]);
    h.clock.advance(95_000);
    expect(h.counter.tokenCalls()).toHaveLength(1);
    expect(h.manager.statusOf(h.store.get('cc')!, h.clock.now())).toBe('valid');
    h.clock.advance(1_000);
    // The timer started the flight; joining it returns the refreshed token.
    expect(h.manager.statusOf(h.store.get('cc')!, h.clock.now())).toBe('expiring');
    const second = await h.manager.ensureFresh('cc');
    expect(h.counter.tokenCalls()).toHaveLength(2);
    expect(second).not.toBe(first.accessToken);
    expect(h.clock.pendingDelays()).toEqual([96_000]);
    h.manager.stop();
    expect(h.clock.pendingDelays()).toEqual([]);
  });
});

describe('O7 refresh token rotation', () => {
  it('O7 persists each rotated refresh token, uses only the newest, and the replayed old one fails at the IdP', async () => {
    const h = harness();
    const original = await idp.mintRefreshToken();
    addRefreshImport(h, idp, original);
    const seen = [original];
    for (let i = 0; i < 3; i += 1) {
      await h.manager.ensureFresh('rt', { force: i > 0 });
      const rt = h.store.disk.get('rt')!.tokens!.refreshToken!;
      expect(seen).not.toContain(rt);
      seen.push(rt);
    }
    expect(h.counter.tokenCalls()).toHaveLength(3);
    const replay = await idp.refreshDirect(original);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
  });

  it('O7 does not hand out the new access token before the rotated refresh token is persisted', async () => {
    const h = harness();
    addRefreshImport(h, idp, await idp.mintRefreshToken());
    const { promise: gate, resolve: release } = deferred();
    const { promise: writeStarted, resolve: writing } = deferred();
    h.store.beforeWrite = () => {
      writing();
      return gate;
    };
    let resolved = false;
    const pending = h.manager.ensureFresh('rt').then((t) => {
      resolved = true;
      return t;
    });
    await writeStarted;
    await Promise.resolve();
    expect(resolved).toBe(false);
    release();
    const token = await pending;
    expect(h.store.disk.get('rt')!.tokens!.accessToken).toBe(token);
  });

  it('O7 keeps the old refresh token when the IdP returns none', async () => {
    const h = harness();
    addRefreshImport(h, idp, 'kept-refresh-token-0001');
    h.counter.intercept = (call) =>
      call.url.endsWith('/token') ? jsonResponse(200, { access_token: 'at-without-rt', token_type: 'Bearer', expires_in: 300 }) : undefined;
    expect(await h.manager.ensureFresh('rt')).toBe('at-without-rt');
    expect(h.store.disk.get('rt')!.tokens!.refreshToken).toBe('kept-refresh-token-0001');
  });
});

describe('O8 invalid_grant', () => {
  it('O8 marks needs-login after exactly 1 token call when the IdP revoked the grant, alerts, and never retries', async () => {
    const h = harness();
    const rt = await idp.mintRefreshToken();
    addRefreshImport(h, idp, rt);
    const revoked = await fetch(`${idp.issuer}/token/revocation`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('tw-confidential:tw-confidential-secret-0123456789abcdef').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: rt, token_type_hint: 'refresh_token' }),
    });
    expect(revoked.status).toBe(200);
    expect(await codeOf(h.manager.ensureFresh('rt'))).toBe('ERR_NEEDS_LOGIN');
    expect(h.counter.tokenCalls()).toHaveLength(1);
    expect(h.store.disk.get('rt')!.state).toBe('needs-login');
    expect(h.events).toContainEqual(expect.objectContaining({ type: 'alert', code: 'ERR_NEEDS_LOGIN', name: 'rt' }));
    expect(await codeOf(h.manager.ensureFresh('rt'))).toBe('ERR_NEEDS_LOGIN');
    expect(h.counter.tokenCalls()).toHaveLength(1);
    expect(h.manager.statusOf(h.store.get('rt')!)).toBe('needs-login');
  });

  it('O8 uses the refresh token a sibling rotated on disk instead of asking for a login', async () => {
    const h = harness();
    addRefreshImport(h, idp, 'stale-refresh-token-consumed-by-sibling');
    const siblings = await idp.mintRefreshToken();
    h.store.writeOnDisk('rt', (r) => ({ ...r, tokens: { ...r.tokens!, refreshToken: siblings } }));
    const token = await h.manager.ensureFresh('rt');
    expect(h.counter.tokenCalls().map((c) => new URLSearchParams(c.body).get('refresh_token'))).toEqual([
      'stale-refresh-token-consumed-by-sibling',
      siblings,
    ]);
    expect(h.store.disk.get('rt')!.state).toBe('active');
    expect((await idp.introspect(token)).active).toBe(true);
  });
});

describe('R5/R6 IdP outages', () => {
  it('R6 serves the still-valid token while the IdP is down, refuses after expiry, keeps tokens, and recovers', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const original = await h.manager.ensureFresh('cc');
    await idp.stop();
    try {
      h.clock.advance(100_000);
      expect(await h.manager.ensureFresh('cc')).toBe(original);
      h.clock.advance(21_000);
      expect(await codeOf(h.manager.ensureFresh('cc'))).toBe('ERR_TOKEN_UNAVAILABLE');
      expect(h.store.disk.get('cc')!.tokens!.accessToken).toBe(original);
      expect(h.manager.statusOf(h.store.get('cc')!, h.clock.now())).toBe('refresh-failed');
      expect(h.events.filter((e) => e.type === 'alert' && e.level === 'warning' && e.name === 'cc')).toHaveLength(1);
    } finally {
      await idp.start();
    }
    h.clock.advance(10 * 60_000);
    const recovered = await h.manager.ensureFresh('cc');
    expect(recovered).not.toBe(original);
    expect(h.manager.statusOf(h.store.get('cc')!, h.clock.now())).toBe('valid');
  });

  it('R5 makes no IdP call before a 429 Retry-After of 120 s has passed', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    let throttled = true;
    h.counter.intercept = (call) =>
      throttled && call.url.endsWith('/token') ? jsonResponse(429, { error: 'slow_down_please' }, { 'retry-after': '120' }) : undefined;
    h.clock.advance(96_000);
    const original = h.store.get('cc')!.tokens!.accessToken;
    expect(await h.manager.ensureFresh('cc')).toBe(original);
    expect(h.counter.tokenCalls()).toHaveLength(2);
    throttled = false;
    h.clock.advance(119_000);
    expect(await codeOf(h.manager.ensureFresh('cc'))).toBe('ERR_TOKEN_UNAVAILABLE');
    expect(h.counter.tokenCalls()).toHaveLength(2);
    h.clock.advance(1_000);
    expect(await h.manager.ensureFresh('cc')).not.toBe(original);
    expect(h.counter.tokenCalls()).toHaveLength(3);
  });
});

describe('R5 forced refreshes after an upstream 401', () => {
  const RETRY = { force: true, reason: 'upstream-401' } as const;

  it('R5 R3 at most one upstream-401 refresh per credential per 30 s reaches the IdP; a user refresh always does', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const first = h.store.get('cc')!.tokens!.accessToken;
    const retried = await h.manager.ensureFresh('cc', RETRY);
    expect(retried).not.toBe(first);
    expect(h.counter.tokenCalls()).toHaveLength(2);
    // An API that answers 401 to everything: each request asks again, none reaches the IdP.
    for (let i = 0; i < 5; i += 1) expect(await h.manager.ensureFresh('cc', RETRY)).toBe(retried);
    expect(h.counter.tokenCalls()).toHaveLength(2);
    h.clock.advance(29_999);
    expect(await h.manager.ensureFresh('cc', RETRY)).toBe(retried);
    expect(h.counter.tokenCalls()).toHaveLength(2);
    h.clock.advance(1);
    expect(await h.manager.ensureFresh('cc', RETRY)).not.toBe(retried);
    expect(h.counter.tokenCalls()).toHaveLength(3);
    await h.manager.ensureFresh('cc', { force: true });
    expect(h.counter.tokenCalls()).toHaveLength(4);
  });

  it('R5 an upstream-401 refresh honours backoff and serves the valid token; a user refresh does not wait', async () => {
    const h = harness();
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const original = h.store.get('cc')!.tokens!.accessToken;
    h.counter.intercept = (call) => (call.url.endsWith('/token') ? jsonResponse(429, { error: 'slow_down_please' }, { 'retry-after': '120' }) : undefined);
    expect(await codeOf(h.manager.ensureFresh('cc', RETRY))).toBe('ERR_IDP');
    expect(h.counter.tokenCalls()).toHaveLength(2);
    h.clock.advance(31_000);
    expect(await h.manager.ensureFresh('cc', RETRY)).toBe(original);
    expect(h.counter.tokenCalls()).toHaveLength(2);
    expect(await codeOf(h.manager.ensureFresh('cc', { force: true }))).toBe('ERR_IDP');
    expect(h.counter.tokenCalls()).toHaveLength(3);
  });
});

describe('O5 ID tokens on refresh', () => {
  it('O5 an ID token returned by a refresh is dropped unverified; the one verified at login is kept', async () => {
    const h = harness();
    // Well-formed claims for this IdP and client, but signed by a key the IdP never published.
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'mallory' })
      .setProtectedHeader({ alg: 'RS256', kid: 'not-the-idps' })
      .setIssuer(idp.issuer)
      .setAudience(CONFIDENTIAL_CLIENT)
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(privateKey);
    h.store.insert({
      name: 'rt',
      kind: 'oauth',
      allowInsecureLoopback: true,
      oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'refresh-token' },
      tokens: { accessToken: 'old', refreshToken: 'rt-0001', idToken: 'verified.at.login', receivedAt: new Date(h.clock.now()).toISOString(), expiresAt: new Date(h.clock.now()).toISOString() },
    });
    h.counter.intercept = (call) =>
      call.url.endsWith('/token') ? jsonResponse(200, { access_token: 'at-new', token_type: 'Bearer', expires_in: 300, refresh_token: 'rt-0002', id_token: forged }) : undefined;
    expect(await h.manager.ensureFresh('rt')).toBe('at-new');
    const stored = h.store.disk.get('rt')!.tokens!;
    expect(stored.refreshToken).toBe('rt-0002');
    expect(stored.idToken).toBe('verified.at.login');
  });
});

describe('R5 IdP timeouts', () => {
  it('R5 aborts a hanging token endpoint at the limit, serves the valid token, then refuses once expired', async () => {
    const h = harness({ idpTimeoutSeconds: 1 });
    addClientCredentials(h, idp);
    await h.manager.login('cc');
    const original = h.store.get('cc')!.tokens!.accessToken;
    // The endpoint never answers; only openid-client's own timeout (via the request's signal) can end the call.
    h.counter.intercept = (call, init) =>
      call.url.endsWith('/token')
        ? new Promise<Response>((_resolve, reject) => {
            init?.signal?.addEventListener('abort', () => reject(init.signal!.reason));
          })
        : undefined;
    h.clock.advance(100_000);
    const started = performance.now();
    expect(await h.manager.ensureFresh('cc')).toBe(original);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(h.store.get('cc')!.lastError?.message).toMatch(/unreachable|timed out|aborted/i);
  });
});
