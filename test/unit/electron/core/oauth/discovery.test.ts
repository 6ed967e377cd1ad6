import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../fixtures/idp-errors.ts';
import { OAuthDiscovery } from '../../../../../electron/core/oauth/discovery.ts';
import { countingFetch, jsonResponse } from '../../../../fixtures/idp-fetch.ts';

const ISSUER = 'https://idp.example';

function metadata(overrides: Record<string, unknown> = {}) {
  return {
    issuer: ISSUER,
    authorization_endpoint: `${ISSUER}/auth`,
    token_endpoint: `${ISSUER}/token`,
    jwks_uri: `${ISSUER}/jwks`,
    response_types_supported: ['code'],
    ...overrides,
  };
}

function stubbed(doc: Record<string, unknown>) {
  const counter = countingFetch(() => Promise.reject(new Error('no network in unit tests')));
  counter.intercept = (call) => (call.url.endsWith('/.well-known/openid-configuration') ? jsonResponse(200, doc) : undefined);
  return counter;
}

describe('O4 discovery', () => {
  it('O4 accepts https metadata whose issuer matches exactly', async () => {
    const counter = stubbed(metadata());
    const discovery = new OAuthDiscovery({ fetch: counter.fetch });
    const config = await discovery.configuration({ issuer: ISSUER, clientId: 'c', grant: 'device' }, false);
    expect(config.serverMetadata().token_endpoint).toBe(`${ISSUER}/token`);
  });

  it('O4 refuses an http token_endpoint in https metadata', async () => {
    const counter = stubbed(metadata({ token_endpoint: 'http://idp.example/token' }));
    const discovery = new OAuthDiscovery({ fetch: counter.fetch });
    expect(await codeOf(discovery.metadata(ISSUER, false))).toBe('ERR_IDP');
  });

  it('O4 refuses a non-loopback http endpoint even when insecure loopback is allowed', async () => {
    const issuer = 'http://127.0.0.1:9';
    const counter = stubbed({ ...metadata(), issuer, token_endpoint: 'http://idp.example/token' });
    const discovery = new OAuthDiscovery({ fetch: counter.fetch });
    expect(await codeOf(discovery.metadata(issuer, true))).toBe('ERR_IDP');
  });

  it('O4 refuses an issuer differing only by a trailing slash', async () => {
    const counter = stubbed(metadata({ issuer: `${ISSUER}/` }));
    const discovery = new OAuthDiscovery({ fetch: counter.fetch });
    expect(await codeOf(discovery.metadata(ISSUER, false))).toBe('ERR_IDP');
  });

  it('O4 never fetches an http issuer without the loopback opt-in, nor a non-loopback http issuer with it', async () => {
    const counter = stubbed(metadata());
    const discovery = new OAuthDiscovery({ fetch: counter.fetch });
    expect(await codeOf(discovery.metadata('http://127.0.0.1:9', false))).toBe('ERR_INVALID_INPUT');
    expect(await codeOf(discovery.metadata('http://idp.example', true))).toBe('ERR_INVALID_INPUT');
    expect(counter.calls).toHaveLength(0);
  });

  it('O4 caches metadata for the TTL only', async () => {
    let now = 1_000_000;
    const counter = stubbed(metadata());
    const discovery = new OAuthDiscovery({ fetch: counter.fetch, now: () => now, ttlMs: 60_000 });
    await discovery.metadata(ISSUER, false);
    now += 59_000;
    await discovery.metadata(ISSUER, false);
    expect(counter.calls).toHaveLength(1);
    now += 2_000;
    await discovery.metadata(ISSUER, false);
    expect(counter.calls).toHaveLength(2);
  });
});
