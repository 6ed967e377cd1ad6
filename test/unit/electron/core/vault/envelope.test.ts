import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IV_BYTES, TAG_BYTES, keyObject, newKey, open, openString, seal } from '../../../../../electron/core/vault/envelope.ts';

const key = newKey();

describe('envelope (AES-256-GCM)', () => {
  it('round-trips and lays out iv | ciphertext | 128-bit tag', () => {
    const sealed = seal(key, 'hello', 'aad-1');
    expect(openString(key, sealed, 'aad-1')).toBe('hello');
    expect(Buffer.from(sealed, 'base64').length).toBe(IV_BYTES + 5 + TAG_BYTES);
  });

  it('S3 rejects a wrong AAD (record id), a wrong key and a truncated blob', () => {
    const sealed = seal(key, 'secret', 'record:A');
    expect(() => open(key, sealed, 'record:B')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
    expect(() => open(newKey(), sealed, 'record:A')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
    const raw = Buffer.from(sealed, 'base64');
    expect(() => open(key, raw.subarray(0, raw.length - 1).toString('base64'), 'record:A')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
  });

  it('S3 property: any plaintext and AAD round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2048 }), fc.string(), (plain, aad) => {
        expect(Buffer.from(open(key, seal(key, plain, aad), aad)).equals(Buffer.from(plain))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('S3 property: flipping any bit of any byte fails authentication', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 256 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (plain, position, bit) => {
        const raw = Buffer.from(seal(key, plain, 'aad'), 'base64');
        raw[position % raw.length]! ^= 1 << bit;
        expect(() => open(key, raw.toString('base64'), 'aad')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
      }),
      { numRuns: 1000 },
    );
  });

  it('S3 rejects a base64 string with a flipped character that Buffer.from would silently skip', () => {
    const sealed = seal(key, 'secret', 'aad');
    expect(() => open(key, `${sealed.slice(0, 10)}*${sealed.slice(11)}`, 'aad')).toThrow(expect.objectContaining({ code: 'ERR_CORRUPT' }));
  });

  it('S3 property: no IV repeats over 10^5 encryptions under one key', () => {
    const seen = new Set<string>();
    const fast = keyObject(key);
    for (let i = 0; i < 100_000; i++) {
      // 12 IV bytes are exactly the first 16 base64 characters.
      seen.add(seal(fast, 'x', 'aad').slice(0, (IV_BYTES / 3) * 4));
    }
    expect(seen.size).toBe(100_000);
  }, 120_000);

  it('uses the injected randomness for the IV (so a broken source is caught by the length check)', () => {
    const fixed = randomBytes(IV_BYTES);
    const sealed = seal(key, 'x', 'aad', { randomBytes: () => Buffer.from(fixed) });
    expect(Buffer.from(sealed, 'base64').subarray(0, IV_BYTES).equals(fixed)).toBe(true);
    expect(() => seal(key, 'x', 'aad', { randomBytes: () => Buffer.alloc(4) })).toThrow(expect.objectContaining({ code: 'ERR_INTERNAL' }));
  });
});
