import { describe, expect, it } from 'vitest';
import { createOpenExternal, isAllowedExternalUrl, issuerOrigins } from '../../../../electron/main/open-external.ts';

describe('openExternal allow-list', () => {
  const allowed = ['https://login.example.com', 'https://idp.test:8443'];

  it('E4 refuses file:, smb:, http:, javascript: and lookalike hosts; the shell never sees them', async () => {
    const seen: string[] = [];
    const open = createOpenExternal({ openExternal: async (u) => void seen.push(u) }, () => allowed);
    for (const url of [
      'file:///etc/passwd',
      'smb://login.example.com/share',
      'http://login.example.com/authorize',
      'javascript:alert(1)',
      'https://login.example.com.attacker.net/authorize',
      'https://attacker.net/login.example.com',
      'https://login.example.com@attacker.net/',
      'https://user:pw@login.example.com/',
      'https://idp.test/authorize',
      'not a url',
    ]) {
      expect(await open(url), url).toBe(false);
    }
    expect(seen).toEqual([]);
  });

  it('E4 opens an exact allow-listed https origin', async () => {
    const seen: string[] = [];
    const open = createOpenExternal({ openExternal: async (u) => void seen.push(u) }, async () => new Set(allowed));
    expect(await open('https://login.example.com/authorize?client_id=x')).toBe(true);
    expect(await open('https://idp.test:8443/device')).toBe(true);
    expect(seen).toEqual(['https://login.example.com/authorize?client_id=x', 'https://idp.test:8443/device']);
    expect(isAllowedExternalUrl('https://LOGIN.example.com/', allowed)).toBe(true);
  });
});

describe('issuer allow-list', () => {
  it('E4 holds the origins of configured OAuth issuers plus settings, nothing else', async () => {
    const api = {
      list: async () => [
        { name: 'a', kind: 'oauth' },
        { name: 'b', kind: 'static' },
        { name: 'c', kind: 'oauth' },
      ],
      get: async (name: string) => ({ oauth: name === 'a' ? { issuer: 'https://login.example.com/tenant/v2.0' } : name === 'c' ? { issuer: 'https://idp.test:8443' } : null }),
    } as unknown as Parameters<typeof issuerOrigins>[0];
    const origins = await issuerOrigins(api, ['https://extra.example.org']);
    expect([...origins].sort()).toEqual(['https://extra.example.org', 'https://idp.test:8443', 'https://login.example.com']);
    expect(isAllowedExternalUrl('https://login.example.com/tenant/oauth2/authorize', origins)).toBe(true);
    expect(isAllowedExternalUrl('https://static.example.com/', origins)).toBe(false);
  });
});
