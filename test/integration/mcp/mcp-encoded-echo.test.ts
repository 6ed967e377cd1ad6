/**
 * M1 widened, end to end: an upstream that reflects the token in every encoded form seen to leak, through the
 * real `tkw mcp` (owning its vault and proxy) and the MCP SDK client recording every JSON-RPC message. The test
 * then decodes whatever it received the way an agent could (base64, hex, gunzip, entities, escapes, case, UTF-16…)
 * and searches for any 16 characters of the token. The same decoder run on the upstream's direct answers finds
 * the token in every one of them, so a miss here is the redaction working, not the decoder failing.
 */
import { request } from 'node:http';
import { gunzipSync, inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
import { startMcp, textOf, type McpSession } from '../../fixtures/mcp-client.ts';
import { ENCODED_CANARY, ENCODED_ECHOES, MARKER, UNCHECKABLE_ECHOES, encodedEcho } from '../../fixtures/mcp-echo-upstream.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const ECHO_NAMES = Object.keys(ENCODED_ECHOES);
const WINDOWS = Array.from({ length: ENCODED_CANARY.length - 15 }, (_, i) => ENCODED_CANARY.slice(i, i + 16).toLowerCase());

/** Undoes every compression layer an agent could undo, or returns undefined when there is none. */
function decompress(bytes: Buffer): Buffer | undefined {
  let current = bytes;
  for (let layer = 0; layer < 8; layer++) {
    try {
      if (current[0] === 0x1f && current[1] === 0x8b) current = gunzipSync(current);
      else if (current[0] === 0x78) current = inflateSync(current);
      else break;
    } catch {
      // Not a whole stream: nothing an agent could read either.
      break;
    }
  }
  return current === bytes ? undefined : current;
}

/** Every reading of `s` an agent could try, one level deep per call (letter case is ignored when searching). */
function readings(s: string): string[] {
  const out = new Set<string>([s, s.replace(/[\s\0\u200b]/g, '')]);
  out.add(s.replace(/&#x([0-9a-f]+);?/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&#(\d+);?/g, (_, d: string) => String.fromCodePoint(Number(d))));
  out.add(s.replace(/\\u([0-9a-f]{4})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  out.add(s.replace(/=\r?\n/g, '').replace(/=([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  out.add(s.replace(/%([0-9a-f]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16))));
  const compact = s.replace(/\s/g, '');
  for (const run of compact.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) {
    for (let skip = 0; skip < 4; skip++) {
      const bytes = Buffer.from(run.slice(skip), 'base64');
      out.add(bytes.toString('latin1'));
      const inflated = decompress(bytes);
      if (inflated) out.add(inflated.toString('latin1'));
    }
  }
  for (const run of compact.match(/(?:[0-9a-f]{2}){8,}/gi) ?? []) for (let skip = 0; skip < 2; skip++) out.add(Buffer.from(run.slice(skip), 'hex').toString('latin1'));
  return [...out];
}

/** The windows of the canary found in `s` read every way, two levels deep (e.g. base64, then UTF-16 NULs dropped). */
function canaryHits(s: string): string[] {
  const hits = new Set<string>();
  for (const first of readings(s)) {
    for (const second of first.length <= 20_000 ? readings(first) : [first]) {
      const lower = second.toLowerCase();
      for (const w of WINDOWS) if (lower.includes(w)) hits.add(w);
    }
  }
  return [...hits];
}

/** Every string inside every recorded JSON-RPC message. */
function strings(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out));
  else if (value && typeof value === 'object') Object.entries(value).forEach(([k, v]) => (out.push(k), strings(v, out)));
  return out;
}

/** The upstream's own answer, bytes untouched, as an agent without Tokenwarden would get it. */
function direct(upstream: TestUpstream, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${upstream.origin}/encoded/${name}`, { headers: { authorization: `Bearer ${ENCODED_CANARY}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.stringify({ headers: res.rawHeaders, body: Buffer.concat(chunks).toString('base64') })));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tkw mcp against an upstream that echoes the token encoded', () => {
  let cli: CliEnv;
  let upstream: TestUpstream;
  let mcp: McpSession;
  const results = new Map<string, CallToolResult>();

  beforeAll(async () => {
    upstream = await startUpstream({ handler: encodedEcho });
    cli = cliEnv();
    const add = ['add', 'enc', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'];
    expect((await cli.run(add, { input: ENCODED_CANARY })).code).toBe(0);
    mcp = await startMcp(cli, ['--allow', 'enc', '--max-body', '64k']);
    for (const name of [...Object.keys(ENCODED_ECHOES), ...Object.keys(UNCHECKABLE_ECHOES)]) {
      results.set(name, await mcp.call('http_request', { credential: 'enc', path: `/encoded/${name}` }));
    }
  });

  afterAll(async () => {
    await mcp?.close();
    await upstream?.close();
    cli?.cleanup();
  });

  it('M1 the decoder finds the token in every direct answer of the echoing upstream (the control)', async () => {
    for (const name of Object.keys(ENCODED_ECHOES)) expect({ name, hits: canaryHits(await direct(upstream, name)).length > 0 }).toEqual({ name, hits: true });
  });

  it.each(ECHO_NAMES)('M1 an echo as %s reaches the agent redacted', (name) => {
    const result = results.get(name)!;
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent as { body: string; body_encoding: string };
    const body = view.body_encoding === 'base64' ? Buffer.from(view.body, 'base64').toString('latin1') : view.body;
    expect(`${JSON.stringify(view)}${body}`).toContain(MARKER);
    expect(canaryHits(JSON.stringify(result))).toEqual([]);
  });

  it('M1 a body that decodes past the bound comes back decoded and cut, never as the compressed bytes', () => {
    const view = results.get('gzip-bomb')!.structuredContent as { body: string; body_encoding: string; truncated: boolean; body_decoded: string[] };
    expect(view).toMatchObject({ body_encoding: 'text', truncated: true, body_decoded: ['gzip', 'gzip'] });
    expect(view.body).toMatch(/^a+\[redacted by tokenwarden\]$/);
  });

  it.each(['gzip-damaged', 'gzip-too-deep', 'gzip-after-text', 'unknown-encoding'])('M1 an answer that cannot be checked (%s) is a tool error with no body', (name) => {
    const result = results.get(name)!;
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^ERR_UPSTREAM: .*no body is returned/);
    expect(result.structuredContent).toBeUndefined();
  });

  it('M1 no JSON-RPC message in either direction, read every way, and nothing printed holds 16 characters of the token', () => {
    expect(mcp.transport.wire.length).toBeGreaterThan(Object.keys(ENCODED_ECHOES).length * 2);
    const texts = [...mcp.transport.wire.flatMap((line) => strings(JSON.parse(line))), ...cli.transcript, mcp.stderr()];
    expect(texts.flatMap((t) => canaryHits(t))).toEqual([]);
  });
});
