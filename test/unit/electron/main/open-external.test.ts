import { describe, expect, it } from 'vitest';
import { createOpenExternal, isAllowedExternalUrl } from '../../../../electron/main/open-external.ts';

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
