import { describe, expect, it } from 'vitest';
import { checkHeaders, decodeBody, HttpRequestInput, resolveTarget } from '../../../../electron/mcp/http-request-input.ts';

const HOSTS = ['https://api.example.com', 'https://uploads.example.com:8443'];

describe('http_request input', () => {
  it('resolves a path against the first host and a url against any bound origin', () => {
    expect(resolveTarget({ path: '/v1/items?q=a%2Fb' }, HOSTS)).toEqual({ origin: HOSTS[0], path: '/v1/items?q=a%2Fb' });
    expect(resolveTarget({ url: 'https://uploads.example.com:8443/up?x=1' }, HOSTS)).toEqual({ origin: HOSTS[1], path: '/up?x=1' });
    expect(resolveTarget({ url: 'https://API.example.com' }, HOSTS)).toEqual({ origin: HOSTS[0], path: '/' });
  });

  it.each([
    [{ url: 'https://api.example.com.evil.example/x' }, 'ERR_HOST_NOT_BOUND'],
    [{ url: 'http://api.example.com/x' }, 'ERR_HOST_NOT_BOUND'],
    [{ url: 'https://uploads.example.com/x' }, 'ERR_HOST_NOT_BOUND'],
    [{ url: 'https://user:pw@api.example.com/x' }, 'ERR_INVALID_INPUT'],
    [{ url: 'https://user@api.example.com/x' }, 'ERR_INVALID_INPUT'],
    [{ url: 'https://api.example.com/a/../b' }, 'ERR_INVALID_INPUT'],
    [{ url: 'https://api.example.com/a/%2E%2e/b' }, 'ERR_INVALID_INPUT'],
    [{ url: 'ftp://api.example.com/x' }, 'ERR_INVALID_INPUT'],
    [{ url: '/relative' }, 'ERR_INVALID_INPUT'],
    [{ path: 'v1/items' }, 'ERR_INVALID_INPUT'],
    [{ path: '//evil.example/x' }, 'ERR_INVALID_INPUT'],
    [{ path: '/..' }, 'ERR_INVALID_INPUT'],
    [{ path: '/a/.%2e/b' }, 'ERR_INVALID_INPUT'],
    [{ path: '/a\\..\\b' }, 'ERR_INVALID_INPUT'],
    [{ path: '/a b' }, 'ERR_INVALID_INPUT'],
    [{ path: '/a#frag' }, 'ERR_INVALID_INPUT'],
    [{ path: '/a\r\nHost: evil' }, 'ERR_INVALID_INPUT'],
    [{}, 'ERR_INVALID_INPUT'],
    [{ path: '/x', url: 'https://api.example.com/x' }, 'ERR_INVALID_INPUT'],
  ])('M2 refuses %j with %s', (input, code) => {
    expect(() => resolveTarget(input, HOSTS)).toThrow(expect.objectContaining({ code }));
  });

  it('lets a dot-dot inside the query through (the query is data, not a path)', () => {
    expect(resolveTarget({ path: '/search?q=../x' }, HOSTS).path).toBe('/search?q=../x');
  });

  it('refuses headers Tokenwarden owns and malformed ones', () => {
    expect(checkHeaders({ Accept: 'application/json' })).toEqual({ Accept: 'application/json' });
    const bads: Record<string, string>[] = [{ authorization: 'x' }, { 'X-Tokenwarden-Key': 'k' }, { Host: 'evil' }, { 'bad name': 'x' }, { 'X-A': 'a\r\nb: c' }, { Origin: 'https://evil' }];
    for (const bad of bads) {
      expect(() => checkHeaders(bad)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    }
  });

  it('decodes text and base64 bodies and refuses ones over 8 MiB', () => {
    expect(decodeBody('héllo', 'text')).toEqual(Buffer.from('héllo'));
    expect(decodeBody(Buffer.from([0, 1, 255]).toString('base64'), 'base64')).toEqual(Buffer.from([0, 1, 255]));
    expect(() => decodeBody('not base64!', 'base64')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(() => decodeBody('x'.repeat(20 * 1024 * 1024), 'text')).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
    expect(() => decodeBody('é'.repeat(5 * 1024 * 1024), 'text')).toThrow(expect.objectContaining({ code: 'ERR_TOO_LARGE' }));
  });

  it('fills defaults and rejects unknown fields', () => {
    expect(HttpRequestInput.parse({ credential: 'api', path: '/x' })).toMatchObject({ method: 'GET', body_encoding: 'text', timeout_ms: 30_000 });
    expect(HttpRequestInput.safeParse({ credential: 'api', path: '/x', extra: 1 }).success).toBe(false);
  });
});
