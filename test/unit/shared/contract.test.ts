import { describe, expect, it } from 'vitest';
import { API_METHODS, ARG_SCHEMAS, AddInput, CONTROL_ONLY_METHODS, isApiMethod, isControlMethod } from '../../../shared/contract.ts';
import { parseOrigin } from '../../../shared/origin.ts';

const base = { kind: 'static', name: 'github', hosts: ['https://api.github.com'], token: 'ghp_abcdefghijklmnop' } as const;

describe('shared/contract', () => {
  it('has an argument schema for every API and control method', () => {
    for (const m of [...API_METHODS, ...CONTROL_ONLY_METHODS]) expect(ARG_SCHEMAS[m]).toBeDefined();
  });

  it('E5 keeps secret-returning methods off the renderer API', () => {
    for (const m of CONTROL_ONLY_METHODS) {
      expect(isApiMethod(m)).toBe(false);
      expect(isControlMethod(m)).toBe(true);
    }
    expect(isControlMethod('constructor')).toBe(false);
    expect(isControlMethod('__proto__')).toBe(false);
  });

  it.each([
    ['a name with spaces', { name: 'my token' }],
    ['a name with slashes', { name: 'a/b' }],
    ['a host with a path', { hosts: ['api.example.com/path'] }],
    ['an ftp host', { hosts: ['ftp://x'] }],
    ['an https host with a path', { hosts: ['https://api.example.com/v1'] }],
    ['a host with credentials', { hosts: ['https://user:pw@api.example.com'] }],
    ['an empty token', { token: '' }],
    ['a token with newlines', { token: 'abc\ndef' }],
    ['a token with spaces', { token: 'abc def' }],
  ])('rejects %s', (_label, patch) => {
    expect(AddInput.safeParse({ ...base, ...patch }).success).toBe(false);
  });

  it('P5 canonicalises origins exactly (scheme, host, port)', () => {
    const parsed = AddInput.parse({ ...base, hosts: ['https://API.github.com/', 'http://127.0.0.1:8080'], allowInsecureLoopback: true });
    expect(parsed.hosts).toEqual(['https://api.github.com', 'http://127.0.0.1:8080']);
    expect(parseOrigin('https://api.github.com:443')?.origin).toBe('https://api.github.com');
    expect(parseOrigin('https://api.github.com.evil.example')?.origin).toBe('https://api.github.com.evil.example');
    expect(parseOrigin('https://[::1]:9000')?.hostname).toBe('[::1]');
  });

  it('needs a refresh token for the refresh-token grant and a secret for client credentials', () => {
    const oauth = { kind: 'oauth', name: 'idp', hosts: ['https://api.example.com'], issuer: 'https://idp.example.com', clientId: 'cli' };
    expect(AddInput.safeParse({ ...oauth, grant: 'refresh-token' }).success).toBe(false);
    expect(AddInput.safeParse({ ...oauth, grant: 'client-credentials' }).success).toBe(false);
    expect(AddInput.safeParse({ ...oauth, grant: 'device' }).success).toBe(true);
  });
});
