import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { applySpans, findSecretSpans, REDACTION_MARKER, secretForms } from '../../../../electron/core/redaction/secret-spans.ts';
import { renderHttpText, viewResponse, type Redact } from '../../../../electron/mcp/response-view.ts';

const TOKEN = 'ghp_CANARYCANARYCANARY1234567890';
const redact: Redact = async (texts, openEnd) => texts.map((t, i) => applySpans(t, findSecretSpans(t, secretForms(TOKEN), { openEnd: openEnd && i === texts.length - 1 })));
const json = Buffer.from(JSON.stringify({ headers: { authorization: `Bearer ${TOKEN}` } }));
const raw = (encoding: string, body: Buffer, truncated = false) => ({
  status: 200,
  headers: [['content-type', 'application/json'], ['content-encoding', encoding], ['content-length', String(body.length)]] as [string, string][],
  body,
  truncated,
});

const SNIFFED: [string, ReturnType<typeof raw>, string[]][] = [
  ['gzip inside gzip', raw('gzip', gzipSync(gzipSync(json))), ['gzip', 'gzip']],
  ['gzip with no Content-Encoding', { ...raw('', gzipSync(json)), headers: [['content-type', 'application/octet-stream']] as [string, string][] }, ['gzip']],
  ['zlib deflate labelled identity', raw('identity', deflateSync(json)), ['zlib']],
  ['stacked encodings', raw('gzip, br', brotliCompressSync(gzipSync(json))), ['br', 'gzip']],
];

describe('viewResponse', () => {
  it.each([
    ['X + gzip(token)', Buffer.concat([Buffer.from('X'), gzipSync(TOKEN)])],
    ['a JSON line + gzip(Bearer token)', Buffer.concat([Buffer.from('{"a":1}\n'), gzipSync(`Bearer ${TOKEN}`)])],
    ['a multipart body with a gzip part', Buffer.concat([Buffer.from('--b\r\n\r\n'), gzipSync(TOKEN), Buffer.from('\r\n--b--\r\n')])],
  ])('M1 refuses a body with compressed data past its start that holds the token (%s)', async (_what, body) => {
    const err = await viewResponse({ ...raw('', body), headers: [['content-type', 'application/octet-stream']] }, redact, 4096).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_UPSTREAM' });
    expect(String((err as Error).message)).not.toContain('CANARY');
  });

  it('M1 returns a body with clean compressed data past its start as it is', async () => {
    const body = Buffer.concat([Buffer.from('X'), gzipSync('nothing secret here')]);
    const view = await viewResponse({ ...raw('', body), headers: [['content-type', 'application/octet-stream']] }, redact, 4096);
    expect(view).toMatchObject({ body_encoding: 'base64', body: body.toString('base64') });
  });

  it.each([
    ['gzip', gzipSync(json)],
    ['deflate', deflateSync(json)],
    ['deflate', deflateRawSync(json)],
    ['br', brotliCompressSync(json)],
  ])('M1 decodes a %s body before redacting it and drops the encoding headers', async (encoding, body) => {
    const view = await viewResponse(raw(encoding, body), redact, 1024);
    expect(view.body_encoding).toBe('text');
    expect(JSON.parse(view.body)).toEqual({ headers: { authorization: `Bearer ${REDACTION_MARKER}` } });
    expect(view.headers['content-encoding']).toBeUndefined();
    expect(view.headers['content-length']).toBeUndefined();
    expect(view.truncated).toBe(false);
  });

  it('M1 bounds the decoded size (a small bomb stays small) and treats the cut body as open-ended', async () => {
    const bomb = gzipSync(Buffer.concat([Buffer.alloc(8 * 1024 * 1024, 'a'), Buffer.from(TOKEN)]));
    const view = await viewResponse({ ...raw('gzip', bomb), headers: [['content-type', 'text/plain'], ['content-encoding', 'gzip']] }, redact, 4096);
    expect(view.truncated).toBe(true);
    expect(view.body.length).toBeLessThanOrEqual(4096);
    expect(view.body.endsWith(REDACTION_MARKER)).toBe(true);
  });

  it('M1 decodes a compressed body that was itself cut at the cap, without leaking the start of a token', async () => {
    const gz = gzipSync(Buffer.from(`${'x'.repeat(200)}${TOKEN}${'y'.repeat(200)}`));
    const view = await viewResponse({ ...raw('gzip', gz.subarray(0, gz.length - 30), true), headers: [['content-type', 'text/plain'], ['content-encoding', 'gzip']] }, redact, 4096);
    expect(view.truncated).toBe(true);
    expect(view.body).not.toContain(TOKEN.slice(0, 4));
  });

  it.each([
    ['an unknown encoding', raw('zstd', Buffer.from(`(zstd) ${TOKEN}`))],
    ['stacked encodings that do not match the bytes', raw('gzip, br', gzipSync(json))],
    ['gzip nested deeper than the bound', raw('gzip', [1, 2, 3, 4, 5].reduce((b) => gzipSync(b), json))],
    ['unlabelled gzip that does not decode', raw('identity', Buffer.concat([gzipSync(json).subarray(0, 20), Buffer.from(TOKEN)]))],
    ['unlabelled xz', raw('identity', Buffer.concat([Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]), Buffer.from(TOKEN)]))],
    ['a damaged stream', raw('gzip', Buffer.concat([gzipSync(json).subarray(0, 20), Buffer.from(TOKEN)]))],
  ])('M1 fails closed on %s: a coded error that quotes nothing of the body', async (_what, response) => {
    const err = await viewResponse(response, redact, 1024).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'ERR_UPSTREAM' });
    expect(String((err as Error).message)).not.toContain('CANARY');
  });

  it('leaves an identity body as it is', async () => {
    const view = await viewResponse(raw('identity', Buffer.from(`t ${TOKEN}`)), redact, 1024);
    expect(view.body).toBe(`t ${REDACTION_MARKER}`);
    expect(view.headers['content-encoding']).toBe('identity');
  });

  it.each(SNIFFED)('M1 decodes %s by its magic bytes before redacting, and says so', async (_what, response, decoded) => {
    const view = await viewResponse(response, redact, 1024);
    expect(JSON.parse(view.body)).toEqual({ headers: { authorization: `Bearer ${REDACTION_MARKER}` } });
    expect(view.body_decoded).toEqual(decoded);
    expect(view.headers['content-encoding']).toBeUndefined();
    expect(view.headers['content-length']).toBeUndefined();
    expect(renderHttpText(view)).toContain(`[body decoded by tokenwarden from ${[...decoded].reverse().join(' in ')}]`);
  });

  it('M1 a body that decodes past the bound is cut, never returned compressed', async () => {
    const bomb = gzipSync(gzipSync(Buffer.concat([Buffer.alloc(4 * 1024 * 1024, 'a'), Buffer.from(TOKEN)])));
    const view = await viewResponse({ ...raw('', bomb), headers: [['content-type', 'text/plain']] }, redact, 2048);
    expect(view.truncated).toBe(true);
    expect(view.body_encoding).toBe('text');
    expect(view.body).toMatch(/^a+\[redacted by tokenwarden\]$/);
  });

  it('M1 an encoded echo in a header name, a header value and a binary body is redacted', async () => {
    const response = {
      status: 302,
      headers: [
        ['location', `https://other.example/cb?t=${Buffer.from(TOKEN).toString('base64url')}`],
        [TOKEN.toLowerCase(), '1'],
        ['content-type', 'application/octet-stream'],
      ] as [string, string][],
      body: Buffer.concat([Buffer.from([0, 0xff]), Buffer.from(TOKEN, 'utf16le')]),
      truncated: false,
    };
    const view = await viewResponse(response, redact, 1024);
    // The last base64 character mixes the token's final bits with padding: at most that one is left.
    expect(view.headers.location).toMatch(/^https:\/\/other\.example\/cb\?t=\[redacted by tokenwarden\].?$/);
    expect(view.headers[REDACTION_MARKER]).toBe('1');
    const bytes = Buffer.from(view.body, 'base64');
    expect(bytes.includes(Buffer.from(TOKEN, 'utf16le').subarray(0, 32))).toBe(false);
    expect(bytes.includes(Buffer.from(REDACTION_MARKER))).toBe(true);
  });
});
