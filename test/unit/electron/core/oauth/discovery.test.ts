import { describe, expect, it } from 'vitest';
import { codeOf } from '../../../../fixtures/idp-errors.ts';
import { discoveryUrl, OAuthDiscovery } from '../../../../../electron/core/oauth/discovery.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
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

async function messageOf(promise: Promise<unknown>): Promise<string> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TokenwardenError);
  return (err as TokenwardenError).message;
}

describe('O4 discovery errors name the URL that failed', () => {
  const WELL_KNOWN = `${ISSUER}/.well-known/openid-configuration`;

  it('the well-known URL is appended to the issuer path, as openid-client fetches it', () => {
    expect(discoveryUrl(ISSUER)).toBe(WELL_KNOWN);
    expect(discoveryUrl('https://idp.example/realms/dev')).toBe('https://idp.example/realms/dev/.well-known/openid-configuration');
    expect(discoveryUrl('https://idp.example/realms/dev/')).toBe('https://idp.example/realms/dev/.well-known/openid-configuration');
  });

  it('O4 an unreachable IdP: the discovery URL and the reason', async () => {
    const counter = countingFetch(() => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo'), { code: 'ENOTFOUND' }) })));
    const message = await messageOf(new OAuthDiscovery({ fetch: counter.fetch }).metadata(ISSUER, false));
    expect(message).toBe(`Discovery failed at ${WELL_KNOWN}: identity provider unreachable: its host name does not resolve; check the issuer URL.`);
  });

  it('O4 a 404, an HTML page and a JSON document that is not metadata each name the URL', async () => {
    const answers: Record<string, Response> = {
      404: new Response('not found', { status: 404 }),
      html: new Response('<html></html>', { status: 200, headers: { 'content-type': 'text/html' } }),
      array: jsonResponse(200, ['not', 'metadata']),
    };
    const messages: Record<string, string> = {};
    for (const [label, response] of Object.entries(answers)) {
      const counter = countingFetch(() => Promise.resolve(response));
      messages[label] = await messageOf(new OAuthDiscovery({ fetch: counter.fetch }).metadata(ISSUER, false));
    }
    expect(messages[404]).toBe(`Discovery failed at ${WELL_KNOWN}: identity provider answered 404; check the issuer URL.`);
    expect(messages.html).toBe(`Discovery failed at ${WELL_KNOWN}: the answer is not JSON; check the issuer URL.`);
    expect(messages.array).toBe(`Discovery failed at ${WELL_KNOWN}: the answer is not a discovery document; check the issuer URL.`);
  });

  it('O4 a refused metadata document names the URL too', async () => {
    const counter = stubbed(metadata({ issuer: `${ISSUER}/` }));
    expect(await messageOf(new OAuthDiscovery({ fetch: counter.fetch }).metadata(ISSUER, false))).toContain(`Discovery failed at ${WELL_KNOWN}: the metadata issuer`);
    const http = stubbed(metadata({ token_endpoint: 'http://idp.example/token' }));
    expect(await messageOf(new OAuthDiscovery({ fetch: http.fetch }).metadata(ISSUER, false))).toBe(`Discovery failed at ${WELL_KNOWN}: token_endpoint must use https.`);
  });
});
