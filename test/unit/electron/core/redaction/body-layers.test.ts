import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync, zstdCompressSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBodyLayers, declaredCodings, MAX_LAYERS } from '../../../../../electron/core/redaction/body-layers.ts';
import { findEmbeddedCompression, sniffCompression } from '../../../../../electron/core/redaction/compression-magic.ts';

const TOKEN = 'tok-CCCC-secret-gamma-ABCDEFGHIJ';
const plain = Buffer.from(JSON.stringify({ authorization: `Bearer ${TOKEN}` }));
const decode = (body: Buffer, contentEncoding: string[] = [], maxBytes = 4096, truncated = false) => decodeBodyLayers(body, { contentEncoding, truncated, maxBytes });
const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as { code: string; message: string });

const DECODABLE: [string, Buffer, string[], string[]][] = [
  ['declared gzip', gzipSync(plain), ['gzip'], ['gzip']],
  ['gzip inside declared gzip', gzipSync(gzipSync(plain)), ['gzip'], ['gzip', 'gzip']],
  ['gzip with no Content-Encoding', gzipSync(plain), [], ['gzip']],
  ['zlib deflate labelled identity', deflateSync(plain), ['identity'], ['zlib']],
  ['raw deflate declared as deflate', deflateRawSync(plain), ['deflate'], ['deflate']],
  ['stacked declared encodings', brotliCompressSync(gzipSync(plain)), ['gzip, br'], ['br', 'gzip']],
  ['zstd with no Content-Encoding', zstdCompressSync(plain), [], ['zstd']],
];

const UNCHECKABLE: [string, Buffer, string[]][] = [
  ['more layers than the bound', Array.from({ length: MAX_LAYERS + 1 }).reduce<Buffer>((b) => gzipSync(b), plain), []],
  ['a damaged gzip stream with no label', Buffer.concat([gzipSync(plain).subarray(0, 20), Buffer.from(TOKEN)]), []],
  ['binary bytes behind a zlib header that do not inflate', Buffer.from([0x78, 0x9c, 0xff, 0xff, 0x00, 0x01, 0x02]), []],
  ['xz data', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from(TOKEN)]), []],
  ['bzip2 data', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.from(TOKEN)]), []],
  ['an unknown declared encoding', Buffer.from(TOKEN), ['compress']],
  ['a declared encoding that does not decode', Buffer.from(TOKEN), ['br']],
];

describe('decodeBodyLayers', () => {
  it.each(DECODABLE)('M1 undoes %s, whatever the label says', async (_what, body, labels, expected) => {
    const out = await decode(body, labels);
    expect(out.decoded).toEqual(expected);
    expect(out.body.equals(plain)).toBe(true);
    expect(out.truncated).toBe(false);
  });

  it('M1 bounds every layer: a small bomb decodes to at most maxBytes and the cut end is open', async () => {
    const bomb = gzipSync(gzipSync(Buffer.concat([Buffer.alloc(32 * 1024 * 1024, 'a'), Buffer.from(TOKEN)])));
    expect(bomb.length).toBeLessThan(64 * 1024);
    const out = await decode(bomb, [], 8192);
    expect(out.body.length).toBeLessThanOrEqual(8192);
    expect(out.truncated).toBe(true);
  });

  it('M1 decodes a compressed body that was itself cut short', async () => {
    const gz = gzipSync(Buffer.from(`${'x'.repeat(300)}${TOKEN}${'y'.repeat(300)}`));
    const out = await decode(gz.subarray(0, gz.length - 40), [], 4096, true);
    expect(out.truncated).toBe(true);
    expect(out.body.toString()).toMatch(/^x{300}/);
  });

  it.each(UNCHECKABLE)('M1 fails closed on %s: a coded error that quotes nothing of the body', async (_what, body, labels) => {
    const err = await refusal(decode(body, labels));
    expect(err).toMatchObject({ code: 'ERR_UPSTREAM' });
    expect(err!.message).not.toContain('CCCC');
  });

  it('M1 text that merely starts like a zlib header is searched as it is', async () => {
    const text = Buffer.from('x^2 + y^2 = z^2');
    expect(sniffCompression(text)).toBe('zlib');
    const out = await decode(text);
    expect(out).toEqual({ body: text, truncated: false, decoded: [] });
  });

  it.each([
    ['one byte before a gzip member', Buffer.concat([Buffer.from('X'), gzipSync(TOKEN)])],
    ['a JSON line before a gzip member', Buffer.concat([Buffer.from('{"a":1}\n'), gzipSync(`Bearer ${TOKEN}`)])],
    ['a gzip part of a multipart body', Buffer.concat([Buffer.from('--b\r\ncontent-type: application/gzip\r\n\r\n'), gzipSync(TOKEN), Buffer.from('\r\n--b--\r\n')])],
    ['zlib data after text', Buffer.concat([Buffer.from('head '), deflateSync(TOKEN)])],
    ['zstd data after text', Buffer.concat([Buffer.from('head '), zstdCompressSync(TOKEN)])],
    ['a damaged gzip member after text', Buffer.concat([Buffer.from('X'), gzipSync(TOKEN).subarray(0, -6)])],
    ['gzip in a gzip member after text', Buffer.concat([Buffer.from('X'), gzipSync(gzipSync(TOKEN))])],
  ])('M1 decodes compressed data found past the start (%s) so that it is searched too', async (_what, body) => {
    const out = await decode(body);
    expect(out.body.equals(body)).toBe(true);
    expect(out.embedded?.some((b) => b.toString().includes(TOKEN))).toBe(true);
  });

  it.each([
    ['xz', Buffer.concat([Buffer.from('X'), Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from(TOKEN)])],
    ['bzip2', Buffer.concat([Buffer.from([0xff]), Buffer.from('BZh91AY&SY'), Buffer.from(TOKEN)])],
  ])('M1 fails closed on %s data past the start, which it cannot decode', async (_what, body) => {
    expect(await refusal(decode(body))).toMatchObject({ code: 'ERR_UPSTREAM' });
  });

  it('M1 binary bytes with no compressed data in them carry nothing embedded; clean text is not scanned', async () => {
    expect((await decode(Buffer.from([0x00, 0x01, 0x78, 0x02, 0xff]))).embedded).toBeUndefined();
    expect((await decode(Buffer.from('a x^2 and x\u0001 b'))).embedded).toBeUndefined();
    expect(findEmbeddedCompression(Buffer.concat([Buffer.from('X'), gzipSync('a')]))).toEqual([{ offset: 1, kind: 'gzip' }]);
  });

  it('reads the declared codings in the order they were applied, without identity', () => {
    expect(declaredCodings(['gzip, identity', ' BR '])).toEqual(['gzip', 'br']);
    expect(declaredCodings()).toEqual([]);
  });

  it('recognises each compression by its first bytes only', () => {
    expect(sniffCompression(gzipSync('a'))).toBe('gzip');
    expect(sniffCompression(deflateSync('a'))).toBe('zlib');
    expect(sniffCompression(zstdCompressSync('a'))).toBe('zstd');
    expect(sniffCompression(deflateRawSync('a'))).toBeUndefined();
    expect(sniffCompression(Buffer.from('{"a":1}'))).toBeUndefined();
    expect(sniffCompression(Buffer.from([0x1f]))).toBeUndefined();
  });
});
