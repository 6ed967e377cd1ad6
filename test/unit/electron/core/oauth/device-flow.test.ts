import * as client from 'openid-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LoginPrompt } from '../../../../../shared/model.ts';
import { deviceLogin } from '../../../../../electron/core/oauth/device-flow.ts';
import { countingFetch, jsonResponse } from '../../../../fixtures/idp-fetch.ts';

const ISSUER = 'https://idp.example';

/** A device flow whose token endpoint answers the given OAuth errors in order, then tokens. */
function scripted(errors: string[]) {
  const tokenTimes: number[] = [];
  let deviceAt = 0;
  const counter = countingFetch(() => Promise.reject(new Error('no network in unit tests')));
  counter.intercept = (call) => {
    if (call.url.endsWith('/device/auth')) {
      deviceAt = Date.now();
      return jsonResponse(200, { device_code: 'dc-1', user_code: 'WDJB-MJHT', verification_uri: `${ISSUER}/device`, verification_uri_complete: `${ISSUER}/device?user_code=WDJB-MJHT`, expires_in: 600, interval: 5 });
    }
    tokenTimes.push(Date.now());
    const error = errors[tokenTimes.length - 1];
    return error ? jsonResponse(400, { error }) : jsonResponse(200, { access_token: 'device-access-token', token_type: 'Bearer', expires_in: 300 });
  };
  const config = new client.Configuration({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, device_authorization_endpoint: `${ISSUER}/device/auth` }, 'cli', undefined, client.None());
  config[client.customFetch] = counter.fetch as client.CustomFetch;
  return { config, counter, sleeps: () => tokenTimes.map((t, i) => (t - (i === 0 ? deviceAt : tokenTimes[i - 1]!)) / 1000) };
}

async function settle<T>(promise: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  let outcome: { value?: T; error?: unknown } | undefined;
  promise.then((value) => (outcome = { value }), (error: unknown) => (outcome = { error }));
  for (let i = 0; i < 120 && !outcome; i += 1) await vi.advanceTimersByTimeAsync(1_000);
  return outcome ?? { error: new Error('did not settle') };
}

describe('O10 device flow', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('O10 shows the user code and polls slow_down -> pending -> success with sleeps [5, 10, 10] s', async () => {
    const flow = scripted(['slow_down', 'authorization_pending']);
    const prompts: LoginPrompt[] = [];
    const result = await settle(deviceLogin({ config: flow.config, name: 'cli', now: Date.now, onPrompt: (p) => prompts.push(p) }));
    expect(result.error).toBeUndefined();
    expect(result.value?.access_token).toBe('device-access-token');
    expect(flow.sleeps()).toEqual([5, 10, 10]);
    expect(prompts).toEqual([
      expect.objectContaining({ name: 'cli', userCode: 'WDJB-MJHT', verificationUri: `${ISSUER}/device`, verificationUriComplete: `${ISSUER}/device?user_code=WDJB-MJHT` }),
    ]);
  });

  it.each(['expired_token', 'access_denied'])('O10 stops polling on %s', async (error) => {
    const flow = scripted(['authorization_pending', error, 'authorization_pending']);
    const result = await settle(deviceLogin({ config: flow.config, name: 'cli', now: Date.now, onPrompt: () => undefined }));
    expect((result.error as client.ResponseBodyError).error).toBe(error);
    expect(flow.sleeps()).toEqual([5, 5]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(flow.counter.tokenCalls()).toHaveLength(2);
  });
});
