import { createHmac, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { entryBody, MacKey, recordTail, sealLine, toEntry, unsealLine } from '../../../../../electron/core/audit/audit-entry.ts';

describe('audit entry sealing', () => {
  it('L2: MacKey is HMAC-SHA256 exactly, for short, block-size and long keys', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 130 }), fc.string(), fc.string(), (bytes, prev, body) => {
        const key = Buffer.from(bytes);
        const expected = createHmac('sha256', key).update(prev).update('\n').update(body).digest('base64url');
        expect(new MacKey(key).mac(prev, body)).toBe(expected);
      }),
    );
  });

  it('L2: one MacKey seals many lines independently (no state leaks between lines)', () => {
    const secret = randomBytes(32);
    const key = new MacKey(secret);
    const first = key.mac('', '{"a":1}');
    key.mac('x', '{"b":2}');
    expect(key.mac('', '{"a":1}')).toBe(first);
  });

  it('L1: a line leaves out null fields and its entry puts them back as null', () => {
    const body = entryBody(7, '2026-11-30T00:00:00.000Z', 'request', recordTail({ kind: 'request', credential: 'api', status: 200, code: null, client: undefined } as never));
    const entry = toEntry(JSON.parse(body) as Record<string, unknown>);
    expect(JSON.parse(body)).toEqual({ ts: '2026-11-30T00:00:00.000Z', seq: 7, kind: 'request', credential: 'api', status: 200 });
    expect(entry).toMatchObject({ seq: 7, kind: 'request', credential: 'api', status: 200, code: null, client: null, origin: null });
    expect(entryBody(1, 't', 'event', '{}')).toBe('{"ts":"t","seq":1,"kind":"event"}');
    const sealed = sealLine(new MacKey(randomBytes(32)), '', body);
    expect(unsealLine(sealed.line)).toEqual({ body, mac: sealed.mac });
  });
});
