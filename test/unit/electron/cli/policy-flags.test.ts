import { describe, expect, it } from 'vitest';
import { keyInputFromFlags } from '../../../../electron/cli/commands/key.ts';
import { durationFlag, MAX_TOKEN_LIFETIME_SECONDS, policyFromFlags } from '../../../../electron/cli/policy-flags.ts';
import { parseMcpOptions } from '../../../../electron/mcp/mcp-options.ts';
import { POLICY_MESSAGES } from '../../../../shared/policy.ts';

describe('durationFlag: the one parser behind --ttl and --expires-in', () => {
  it('takes 90s, 10m, 2h and 7d, and nothing when the flag is absent', () => {
    expect(['90s', '10m', '2h', '7d'].map((t) => durationFlag('--ttl', t))).toEqual([90, 600, 7200, 604800]);
    expect(durationFlag('--ttl', undefined)).toBeUndefined();
  });

  it('refuses a bare number with ERR_USAGE and a hint, naming the flag', () => {
    expect(() => durationFlag('--ttl', '15')).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: '--ttl: 15 has no unit: 15s or 15m?' }));
    expect(() => durationFlag('--expires-in', '3600', MAX_TOKEN_LIFETIME_SECONDS)).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining('3600s or 3600m?') }));
  });

  it('refuses other bad values with ERR_INVALID_INPUT, like every policy flag', () => {
    expect(() => durationFlag('--ttl', 'soon')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT', message: `--ttl: ${POLICY_MESSAGES.ttl}` }));
    expect(() => durationFlag('--ttl', '400d')).toThrow(expect.objectContaining({ code: 'ERR_INVALID_INPUT' }));
    expect(durationFlag('--expires-in', '400d', MAX_TOKEN_LIFETIME_SECONDS)).toBe(400 * 86_400);
  });

  it('tkw mcp --key-ttl reads through the same parser, hint included, within its own 30d bound', () => {
    expect(parseMcpOptions({ allow: ['a'], keyTtl: '90s' }).keyTtlSeconds).toBe(90);
    expect(() => parseMcpOptions({ allow: ['a'], keyTtl: '8' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: '--key-ttl: 8 has no unit: 8s or 8m?' }));
    expect(() => parseMcpOptions({ allow: ['a'], keyTtl: '31d' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE', message: expect.stringContaining('at most 30d') }));
  });
});

describe('--methods in tkw add, tkw policy and tkw key create', () => {
  it('normalises GET,post to GET,POST', () => {
    expect(policyFromFlags({ methods: 'GET,post' }).policy).toEqual({ methods: ['GET', 'POST'] });
    expect(keyInputFromFlags({ for: 'api', methods: 'GET,post' }).methods).toEqual(['GET', 'POST']);
  });

  it('refuses an unknown method with ERR_INVALID_INPUT and the known ones', () => {
    const unknown = expect.objectContaining({ code: 'ERR_INVALID_INPUT', message: expect.stringMatching(/^--methods: Unknown method FETCH\. Known methods are GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS and TRACE\.$/) });
    expect(() => policyFromFlags({ methods: 'FETCH' })).toThrow(unknown);
    expect(() => keyInputFromFlags({ for: 'api', methods: 'FETCH' })).toThrow(unknown);
  });

  it('key create --ttl goes through the same parser', () => {
    expect(keyInputFromFlags({ for: 'api', ttl: '15m' }).ttlSeconds).toBe(900);
    expect(() => keyInputFromFlags({ for: 'api', ttl: '15' })).toThrow(expect.objectContaining({ code: 'ERR_USAGE' }));
  });
});
