import { describe, expect, it } from 'vitest';
import { parseMcpOptions } from '../../../../electron/mcp/mcp-options.ts';

describe('tkw mcp options', () => {
  it('parses names, durations and sizes', () => {
    expect(parseMcpOptions({ allow: ['github,jira', 'jira', ' slack '], keyTtl: '30m', maxBody: '2m' })).toEqual({
      allow: ['github', 'jira', 'slack'],
      keyTtlSeconds: 1800,
      maxBodyBytes: 2 * 1024 * 1024,
    });
    expect(parseMcpOptions({ allow: ['a'] })).toEqual({ allow: ['a'], keyTtlSeconds: 8 * 3600, maxBodyBytes: 256 * 1024 });
  });

  it.each([
    [{}, /--allow/],
    [{ allow: [','] }, /--allow/],
    [{ allow: ['Bad Name'] }, /not a credential name/],
    [{ allow: ['a'], keyTtl: '8' }, /--key-ttl/],
    [{ allow: ['a'], keyTtl: '31d' }, /--key-ttl/],
    [{ allow: ['a'], maxBody: '10' }, /--max-body/],
    [{ allow: ['a'], maxBody: '1g' }, /--max-body/],
  ])('refuses %j with a usage error', (raw, message) => {
    expect(() => parseMcpOptions(raw)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringMatching(message) }));
  });
});
