import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startProxy } from '../../../electron/core/proxy/server.ts';
import type { FakeCredential } from '../../fixtures/proxy-backend.ts';
import { basic, connectHead, rawExchange, send } from '../../fixtures/proxy-client.ts';
import { expectP7Outcome, expectRefused, P7_CASES } from '../../fixtures/proxy-expect.ts';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';
import { authorizationsOf } from '../../fixtures/proxy-upstream.ts';

const run = promisify(execFile);
let h: ProxyHarness;
let api: FakeCredential;
let target: string;

beforeAll(async () => {
  h = await startHarness();
  api = h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
  h.backend.add({ name: 'remote', hosts: ['https://api.test'] });
  target = new URL(h.upstream.origin).host;
});
afterEach(() => {
  h.upstream.calls.length = 0;
  api.authPolicy = 'reject';
});
afterAll(async () => {
  await h.close();
  expect(leakedTokens([...h.logs, ...h.seen], h.backend.allTokens())).toEqual([]);
});

function fwd(url: string, headers: Record<string, string> = {}) {
  return h.send({ path: url, headers: { host: new URL(url).host, 'proxy-authorization': basic('api', h.backend.keyString()), ...headers } });
}

describe('forward proxy mode (absolute-form)', () => {
  it('forwards to a bound loopback http origin with exactly one bearer token and no proxy credentials', async () => {
    const res = await fwd(`${h.upstream.origin}/v1/x?y=1`);
    expect(res.status).toBe(200);
    const call = h.upstream.calls[0]!;
    expect(call.url).toBe('/v1/x?y=1');
    expect(authorizationsOf(call)).toEqual([`Bearer ${api.token}`]);
    expect(call.headers['proxy-authorization']).toBeUndefined();
    expect(h.backend.usage.at(-1)).toMatchObject({ mode: 'forward', path: '/v1/x', name: 'api' });
  });

  it('curl with HTTP_PROXY=http://NAME:KEY@127.0.0.1:PORT reaches the upstream with the token', async () => {
    const { stdout } = await run('curl', ['-sS', '--noproxy', '', '--proxy', `http://api:${h.backend.keyString()}@127.0.0.1:${h.proxy.port}`, `${h.upstream.origin}/curl`]);
    h.seen.push(stdout);
    expect(stdout).toBe('upstream ok');
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${api.token}`]);
  });

  it('uses the only credential bound to the origin when NAME is empty', async () => {
    const res = await fwd(`${h.upstream.origin}/x`, { 'proxy-authorization': basic('', h.backend.keyString()) });
    expect(res.status).toBe(200);
    expect(authorizationsOf(h.upstream.calls[0]!)).toEqual([`Bearer ${api.token}`]);
  });

  it('answers 409 ERR_AMBIGUOUS when NAME is empty and several credentials are bound, with 0 upstream calls', async () => {
    h.backend.add({ name: 'api-b', hosts: [h.upstream.origin], allowInsecureLoopback: true });
    const res = await fwd(`${h.upstream.origin}/x`, { 'proxy-authorization': basic('', h.backend.keyString()) });
    h.backend.credentials.delete('api-b');
    expectRefused(res, 409, 'ERR_AMBIGUOUS', h.upstream.calls);
  });

  it('P3 a missing Proxy-Authorization gets 407 with Proxy-Authenticate and 0 upstream calls', async () => {
    const res = await send(h.proxy.port, { path: `${h.upstream.origin}/x`, headers: { host: target } });
    expect(res.status).toBe(407);
    expect(res.headers['proxy-authenticate']).toMatch(/^Basic /);
    expect(res.json?.error?.code).toBe('ERR_PROXY_AUTH');
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P3 a wrong key of the same length gets 407 and 0 upstream calls', async () => {
    const good = h.backend.keyString();
    const wrong = good.slice(0, -1) + (good.endsWith('A') ? 'B' : 'A');
    const res = await fwd(`${h.upstream.origin}/x`, { 'proxy-authorization': basic('api', wrong) });
    expect(res.status).toBe(407);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it('P2 a Host that differs from the target authority gets 421 and 0 upstream calls', async () => {
    const res = await fwd(`${h.upstream.origin}/x`, { host: 'evil.example' });
    expect(res.status).toBe(421);
    expect(h.upstream.calls).toHaveLength(0);
  });

  it.each([
    ['http://api.test (scheme differs from the bound https)', 'http://api.test/x'],
    ['http://api.test.evil (suffix)', 'http://api.test.evil/x'],
    ['http://api.test:443 (port only)', 'http://api.test:443/x'],
  ])('P5 a credential bound to https://api.test gets 403 for %s', async (_label, url) => {
    const res = await fwd(url, { 'proxy-authorization': basic('remote', h.backend.keyString()) });
    expectRefused(res, 403, 'ERR_HOST_NOT_BOUND', h.upstream.calls);
  });

  it('P5 a credential bound to https://api.test gets 403 for CONNECT api.test.evil:443 in strict mode', async () => {
    const strict = await startProxy({ backend: h.backend, port: 0, strict: true });
    const { response } = await rawExchange(strict.port, connectHead('api.test.evil:443', { name: 'remote', key: h.backend.keyString() }));
    await strict.close();
    expect(response).toMatch(/^HTTP\/1\.1 403 /);
  });

  it('P5 refuses an https absolute-form target (https goes through CONNECT)', async () => {
    const res = await fwd('https://api.test/x', { 'proxy-authorization': basic('remote', h.backend.keyString()) });
    expect(res.status).toBe(400);
  });

  it.each(P7_CASES)('P7 %s with client Authorization %s in forward mode', async (policy, clientAuth, status, expected) => {
    api.authPolicy = policy;
    const res = await fwd(`${h.upstream.origin}/p7`, clientAuth ? { authorization: clientAuth } : {});
    expectP7Outcome({ status: res.status, code: res.json?.error?.code }, status, expected, h.upstream.calls, api.token);
  });

  it('P7 passthrough refuses two client Authorization headers (exactly one leaves)', async () => {
    api.authPolicy = 'passthrough';
    const { response } = await rawExchange(
      h.proxy.port,
      `GET ${h.upstream.origin}/x HTTP/1.1\r\nHost: ${target}\r\nProxy-Authorization: ${basic('api', h.backend.keyString())}\r\nAuthorization: Bearer a\r\nAuthorization: Bearer b\r\n\r\n`,
    );
    expect(response).toMatch(/^HTTP\/1\.1 400 /);
    expect(h.upstream.calls).toHaveLength(0);
  });
});
