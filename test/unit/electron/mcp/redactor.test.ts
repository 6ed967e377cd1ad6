import { describe, expect, it } from 'vitest';
import type { ControlApi } from '../../../../shared/contract.ts';
import { credentialSecretSpans } from '../../../../electron/core/redaction/credential-secret-spans.ts';
import type { CredentialRecord } from '../../../../electron/core/credentials/credential-record.ts';
import { REDACTION_MARKER } from '../../../../electron/core/redaction/secret-spans.ts';
import { redactTexts } from '../../../../electron/mcp/redactor.ts';
import { TokenwardenError } from '../../../../electron/core/base/errors.ts';

const ACCESS = 'tkwcanary_access_0123456789abcdef';
const REFRESH = 'tkwcanary_refresh_fedcba9876543210';
const KEY = 'twk_local_key_material_0000000000';
const record = {
  name: 'api',
  tokens: { accessToken: ACCESS, refreshToken: REFRESH, receivedAt: new Date().toISOString(), tokenType: 'Bearer', scopes: [] },
} as unknown as CredentialRecord;

/** An owner that answers like the control socket would, and refuses lines over its 1 MiB limit. */
function fakeOwner(calls: { lineBytes: number }[] = []): ControlApi {
  return {
    async secretSpans(name: string, texts: string[], options?: { openEnd?: boolean }) {
      const lineBytes = Buffer.byteLength(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'secretSpans', params: [name, texts, options] }));
      calls.push({ lineBytes });
      if (lineBytes > 1024 * 1024) throw new TokenwardenError('ERR_TOO_LARGE', 'line too long');
      return credentialSecretSpans(record, [], texts, options);
    },
  } as unknown as ControlApi;
}

describe('redactTexts', () => {
  it('M1 redacts the access token, the refresh token and the locally held key', async () => {
    const [a, b] = await redactTexts(fakeOwner(), 'api', [`x ${ACCESS} y`, `${REFRESH}|${KEY}`], [KEY]);
    expect(a).toBe(`x ${REDACTION_MARKER} y`);
    expect(b).toBe(`${REDACTION_MARKER}|${REDACTION_MARKER}`);
  });

  it('M1 finds tokens across piece boundaries of a large body, within the control line limit, even for binary', async () => {
    const calls: { lineBytes: number }[] = [];
    // Control characters are the worst case for JSON size (6 bytes each).
    const filler = '\u0001'.repeat(97 * 1024 - 5);
    const body = `${filler}${ACCESS}${filler}${ACCESS}${'\u0002'.repeat(300 * 1024)}${ACCESS}`;
    const [out] = await redactTexts(fakeOwner(calls), 'api', [body], []);
    expect(out).not.toContain(ACCESS);
    expect(out!.split(REDACTION_MARKER)).toHaveLength(4);
    expect(calls.length).toBeGreaterThan(1);
    for (const call of calls) expect(call.lineBytes).toBeLessThan(1024 * 1024);
  });

  it('M1 an open end drops the tail of the last text only, whatever it holds', async () => {
    const head = 'b'.repeat(100);
    const [first, last, other] = await Promise.all([
      redactTexts(fakeOwner(), 'api', [`a ${ACCESS.slice(0, 10)}`, `${head}${ACCESS.slice(0, 10)}`], [], { openEnd: true }),
      redactTexts(fakeOwner(), 'api', ['x', `${head}${'z'.repeat(10)}`], [], { openEnd: true }),
    ]).then(([a, b]) => [a[0], a[1], b[1]]);
    expect(first).toBe(`a ${ACCESS.slice(0, 10)}`);
    // The longest secret form is the refresh token (34 characters): 33 are dropped.
    expect(last).toBe(`${head.slice(0, 110 - 33)}${REDACTION_MARKER}`);
    expect(other).toBe(last);
  });

  it('M1 fails closed when the owner cannot check (e.g. locked)', async () => {
    const locked = { secretSpans: async () => Promise.reject(new TokenwardenError('ERR_LOCKED')) } as unknown as ControlApi;
    await expect(redactTexts(locked, 'api', [ACCESS], [])).rejects.toMatchObject({ code: 'ERR_LOCKED' });
  });
});
