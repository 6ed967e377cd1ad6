import { request } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { callbackPathFor } from '../../../../../electron/core/credentials/redirect-uri.ts';
import { REDIRECT_TIMEOUT_MS, startLoopbackRedirect } from '../../../../../electron/core/oauth/loopback-redirect.ts';
import { ManualClock } from '../../../../fixtures/idp-clock.ts';

function hit(port: number, path: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; body: string } | { error: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: { host: options.host ?? `127.0.0.1:${port}` }, setHost: false, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.end();
  });
}

/** A raw request line, bypassing node's client (which would refuse or normalise `//`). */
function rawGet(port: number, target: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`));
    let text = '';
    socket.on('data', (c: Buffer) => (text += c.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

const ISSUER_A = 'https://idp-a.example';
const ISSUER_B = 'https://idp-b.example';

describe('O2 loopback redirect listener', () => {
  it('O2 binds 127.0.0.1 with the IP literal, refuses wrong path, Host and method, accepts one GET, then closes', async () => {
    const clock = new ManualClock(0);
    const listener = await startLoopbackRedirect({ path: callbackPathFor(ISSUER_A), state: 's1', timers: clock.timers });
    const url = new URL(listener.redirectUri);
    expect(url.hostname).toBe('127.0.0.1');
    const port = Number(url.port);
    expect(await hit(port, '/other?code=x')).toMatchObject({ status: 404 });
    expect(await hit(port, `${url.pathname}?code=x`, { host: `localhost:${port}` })).toMatchObject({ status: 404 });
    expect(await hit(port, `${url.pathname}?code=x`, { method: 'POST' })).toMatchObject({ status: 404 });
    const ok = await hit(port, `${url.pathname}?code=the-code&state=s1`);
    expect(ok).toMatchObject({ status: 200 });
    expect((ok as { body: string }).body).toContain('return to Tokenwarden');
    const result = await listener.result;
    expect(result.searchParams.get('code')).toBe('the-code');
    await listener.close();
    const second = await hit(port, `${url.pathname}?code=again&state=s1`);
    expect('error' in second ? second.error : second.status).toMatch(/ECONNREFUSED|404/);
  });

  it('O2 a raw `GET //` or `//host/path` target gets 404 without crashing the owner; the real callback still works', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    try {
      const path = callbackPathFor(ISSUER_A);
      const listener = await startLoopbackRedirect({ path, state: 's1' });
      const port = Number(new URL(listener.redirectUri).port);
      expect(await rawGet(port, '//')).toMatch(/^HTTP\/1\.1 404 /);
      expect(await rawGet(port, `//evil.example${path}?code=forged`)).toMatch(/^HTTP\/1\.1 404 /);
      expect(await hit(port, `${path}?code=the-code&state=s1`)).toMatchObject({ status: 200 });
      const result = await listener.result;
      expect(result.origin).toBe(`http://127.0.0.1:${port}`);
      expect(result.pathname).toBe(path);
      expect(result.searchParams.get('code')).toBe('the-code');
      await listener.close();
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught).toEqual([]);
  });

  it("O3 IdP A's code arriving at IdP B's callback path is refused", async () => {
    expect(callbackPathFor(ISSUER_A)).not.toBe(callbackPathFor(ISSUER_B));
    const listener = await startLoopbackRedirect({ path: callbackPathFor(ISSUER_B), state: 's1' });
    const port = Number(new URL(listener.redirectUri).port);
    expect(await hit(port, `${callbackPathFor(ISSUER_A)}?code=from-a&iss=${encodeURIComponent(ISSUER_A)}`)).toMatchObject({ status: 404 });
    await listener.close();
  });

  it('O2 after 5 minutes the login fails with ERR_TIMEOUT and no listener remains', async () => {
    const clock = new ManualClock(0);
    const listener = await startLoopbackRedirect({ path: '/callback/x', state: 's1', timers: clock.timers });
    const port = Number(new URL(listener.redirectUri).port);
    expect(clock.pendingDelays()).toEqual([REDIRECT_TIMEOUT_MS]);
    clock.advance(REDIRECT_TIMEOUT_MS);
    const err = await listener.result.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TokenwardenError);
    expect((err as TokenwardenError).code).toBe('ERR_TIMEOUT');
    await listener.close();
    expect(await hit(port, '/callback/x?code=late')).toEqual({ error: 'ECONNREFUSED' });
  });

  it('O2 a GET on the right path without the right state gets 400 and the listener keeps waiting; the right state completes', async () => {
    const path = callbackPathFor(ISSUER_A);
    const listener = await startLoopbackRedirect({ path, state: 'the-real-state-0123456789' });
    const port = Number(new URL(listener.redirectUri).port);
    let settled = false;
    void listener.result.then(() => (settled = true), () => (settled = true));
    for (const query of ['', '?code=forged', '?code=forged&state=guess', '?error=access_denied&state=the-real-state-012345678', '?state=the-real-state-0123456789x']) {
      const res = await hit(port, `${path}${query}`);
      expect(res).toMatchObject({ status: 400 });
      expect((res as { body: string }).body).toContain('still waiting');
    }
    expect(settled).toBe(false);
    expect(await hit(port, `${path}?code=the-code&state=the-real-state-0123456789`)).toMatchObject({ status: 200 });
    expect((await listener.result).searchParams.get('code')).toBe('the-code');
    await listener.close();
  });

  it('O2 an aborted signal closes the listener and rejects with ERR_CANCELLED', async () => {
    const controller = new AbortController();
    const listener = await startLoopbackRedirect({ path: '/callback/x', state: 's1', signal: controller.signal });
    const port = Number(new URL(listener.redirectUri).port);
    controller.abort();
    const err = await listener.result.catch((e: unknown) => e);
    expect((err as TokenwardenError).code).toBe('ERR_CANCELLED');
    await listener.close();
    expect(await hit(port, '/callback/x?code=late&state=s1')).toEqual({ error: 'ECONNREFUSED' });
    const already = new AbortController();
    already.abort();
    expect(await startLoopbackRedirect({ path: '/callback/x', state: 's1', signal: already.signal }).catch((e: unknown) => (e as TokenwardenError).code)).toBe('ERR_CANCELLED');
  });
});
