import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { errorBody, ProxyRejection, toErrorAnswer } from '../../../../../electron/core/proxy/proxy-error.ts';

describe('proxy error answers', () => {
  it.each([
    ['ERR_LOCKED', 423],
    ['ERR_NEEDS_LOGIN', 428],
    ['ERR_TOKEN_UNAVAILABLE', 503],
    ['ERR_PROXY_AUTH', 407],
    ['ERR_GATEWAY_KEY', 401],
    ['ERR_BAD_HOST', 421],
    ['ERR_UPSTREAM', 502],
    ['ERR_UPSTREAM_TIMEOUT', 504],
  ] as const)('maps a thrown TokenwardenError %s to %i with a JSON body', (code, status) => {
    const answer = toErrorAnswer(new TokenwardenError(code, 'why'));
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body)).toEqual({ error: { code, message: 'why' } });
  });

  it('S7 never leaks the message of an unknown error', () => {
    const answer = toErrorAnswer(new Error('token=tw-secret-value'));
    expect(answer.status).toBe(500);
    expect(answer.body).not.toContain('tw-secret-value');
  });

  it('a rejection may override the status and ask to close', () => {
    const answer = toErrorAnswer(new ProxyRejection('ERR_NOT_AVAILABLE', 'no ws', { status: 501, close: true }));
    expect(answer).toEqual({ status: 501, code: 'ERR_NOT_AVAILABLE', body: errorBody('ERR_NOT_AVAILABLE', 'no ws'), close: true });
  });
});
