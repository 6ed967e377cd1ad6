import { describe, expect, it } from 'vitest';
import { codeOf } from '../../fixtures/idp-errors.ts';
import { signInAndConsent } from '../../fixtures/idp-pages.ts';
import { PUBLIC_CLIENT } from '../../fixtures/idp-provider.ts';
import { useChromium, useIdp } from '../../fixtures/idp-suite.ts';
import { harness, type Harness } from '../../fixtures/idp-harness.ts';
import { startIntrospectingUpstream, startLifecycleProxy } from '../../fixtures/idp-proxy.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { tempHome, unlockedVault } from '../../fixtures/vault-helpers.ts';
import { TokenManager } from '../../../electron/core/lifecycle/token-manager.ts';

const idp = useIdp();
const browser = useChromium();

function addAuthCode(h: Harness): void {
  h.store.insert({
    name: 'web',
    kind: 'oauth',
    allowInsecureLoopback: true,
    oauth: { issuer: idp.issuer, clientId: PUBLIC_CLIENT, grant: 'auth-code', scope: 'openid offline_access' },
  });
}

/** The "system browser": a fresh Chromium context that signs in and consents on the provider's pages. */
function playwrightBrowser(opened: string[], callbackTexts: string[], drivers: Promise<void>[]) {
  return async (url: string): Promise<void> => {
    opened.push(url);
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    const context = await browser().newContext();
    // The provider's page imports a web font; this closed network would only make it wait.
    await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
    const page = await context.newPage();
    // Return at once like a real opener; the driver runs while the manager awaits the redirect.
    drivers.push((async () => {
      try {
        await page.goto(url, { waitUntil: 'domcontentloaded' });
        await signInAndConsent(page, redirectUri);
        callbackTexts.push(await page.textContent('body') ?? '');
      } finally {
        await context.close();
      }
    })());
  };
}

describe('auth code + PKCE in the system browser', () => {
  it('O1 O2 logs in end to end through Chromium with S256, a fresh state and nonce, and a 127.0.0.1 redirect', async () => {
    const opened: string[] = [];
    const texts: string[] = [];
    const drivers: Promise<void>[] = [];
    const h = harness({ openBrowser: playwrightBrowser(opened, texts, drivers) });
    addAuthCode(h);
    await h.manager.login('web');
    await h.manager.login('web');
    await Promise.all(drivers);
    expect(opened).toHaveLength(2);
    const [a, b] = opened.map((u) => new URL(u).searchParams);
    for (const p of [a!, b!]) {
      expect(p.get('code_challenge_method')).toBe('S256');
      expect(p.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(p.get('state')!.length).toBeGreaterThanOrEqual(22);
      expect(p.get('nonce')!.length).toBeGreaterThanOrEqual(22);
      expect(new URL(p.get('redirect_uri')!).hostname).toBe('127.0.0.1');
    }
    expect(a!.get('state')).not.toBe(b!.get('state'));
    expect(a!.get('nonce')).not.toBe(b!.get('nonce'));
    expect(a!.get('redirect_uri')).not.toBe(b!.get('redirect_uri'));
    const tokens = h.store.disk.get('web')!.tokens!;
    expect(tokens.refreshToken).toBeTruthy();
    expect(tokens.idToken).toBeTruthy();
    expect((await idp.introspect(tokens.accessToken)).active).toBe(true);
    expect(texts).toHaveLength(2);
    for (const text of texts) expect(text).toContain('return to Tokenwarden');
    const refreshed = await h.manager.ensureFresh('web', { force: true });
    expect(refreshed).not.toBe(tokens.accessToken);
  }, 60_000);

  it('O1 a browser login, stored in the real vault, is injected by the proxy and accepted by a resource server that introspects it', async () => {
    const { home, cleanup } = tempHome('tw-oauth-authcode-');
    const upstream = await startIntrospectingUpstream(idp);
    const vault = await unlockedVault(home);
    const drivers: Promise<void>[] = [];
    const manager = new TokenManager({ store: vault, openBrowser: playwrightBrowser([], [], drivers) });
    const proxy = await startLifecycleProxy(vault, manager);
    try {
      await vault.insert({
        name: 'web',
        kind: 'oauth',
        hosts: [upstream.origin],
        authPolicy: 'reject',
        allowInsecureLoopback: true,
        oauth: { issuer: idp.issuer, clientId: PUBLIC_CLIENT, grant: 'auth-code', scope: 'openid offline_access' },
      });
      await manager.login('web');
      await Promise.all(drivers);
      const res = await send(proxy.proxy.port, { path: '/web/profile', headers: { 'x-tokenwarden-key': proxy.key } });
      expect(res.status).toBe(200);
      expect(upstream.accepted).toBe(1);
      expect(upstream.calls[0]!.headers.authorization).toBe(`Bearer ${vault.get('web')!.tokens!.accessToken}`);
    } finally {
      manager.stop();
      await proxy.close();
      await upstream.close();
      cleanup();
    }
  }, 60_000);

  /** A stand-in browser that lands on the redirect URI with a chosen query, as an attacker or a mix-up would. */
  function landWith(query: (params: URLSearchParams) => Record<string, string>) {
    return async (url: string): Promise<void> => {
      const params = new URL(url).searchParams;
      const target = new URL(params.get('redirect_uri')!);
      for (const [k, v] of Object.entries(query(params))) target.searchParams.set(k, v);
      void fetch(target).catch(() => undefined);
    };
  }

  it('O1 O2 a wrong state gets 400, never reaches the token endpoint, and the login keeps waiting until cancelled', async () => {
    const statuses: number[] = [];
    const controller = new AbortController();
    const h = harness({
      openBrowser: async (url) => {
        const target = new URL(new URL(url).searchParams.get('redirect_uri')!);
        target.search = new URLSearchParams({ code: 'stolen-code', state: 'attacker-state', iss: idp.issuer }).toString();
        void fetch(target).then((res) => {
          statuses.push(res.status);
          controller.abort();
        });
      },
    });
    addAuthCode(h);
    expect(await codeOf(h.manager.login('web', { signal: controller.signal }))).toBe('ERR_CANCELLED');
    expect(statuses).toEqual([400]);
    expect(h.counter.tokenCalls()).toHaveLength(0);
    expect(h.store.disk.get('web')!.tokens).toBeUndefined();
  });

  it('O3 a missing iss is rejected when the IdP advertises authorization_response_iss_parameter_supported', async () => {
    const h = harness({ openBrowser: landWith((p) => ({ code: 'some-code', state: p.get('state')! })) });
    addAuthCode(h);
    expect(await codeOf(h.manager.login('web'))).toBe('ERR_IDP');
    expect(h.counter.tokenCalls()).toHaveLength(0);
  });

  it('O3 a mismatched iss (another IdP) is rejected before any token request', async () => {
    const h = harness({ openBrowser: landWith((p) => ({ code: 'some-code', state: p.get('state')!, iss: 'https://other-idp.example' })) });
    addAuthCode(h);
    expect(await codeOf(h.manager.login('web'))).toBe('ERR_IDP');
    expect(h.counter.tokenCalls()).toHaveLength(0);
  });

  it('O1 the provider refuses an authorization request without PKCE', async () => {
    const response = await fetch(`${idp.issuer}/auth?client_id=${PUBLIC_CLIENT}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/x')}`, { redirect: 'manual' });
    expect(response.status).toBeGreaterThanOrEqual(300);
    const location = response.headers.get('location') ?? (await response.text());
    expect(location).not.toContain('code=');
  });
});
