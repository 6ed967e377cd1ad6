/**
 * A8: under a method rule (a credential's policy or an access key), a method-override header naming a method
 * outside the rule is refused before the upstream, in every proxy mode; one naming an allowed method passes.
 */
import { request } from 'node:http';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, startAccessHarness, type AccessHarness, type Mode } from '../../fixtures/access-harness.ts';
import { basic, send } from '../../fixtures/proxy-client.ts';
import type { UpstreamCall } from '../../fixtures/proxy-upstream.ts';

const OVERRIDES = ['X-HTTP-Method-Override', 'X-Method-Override', 'X-HTTP-Method'];
const ALLOWED = new Set(['GET', 'POST']);

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
  await h.addCredential('gh', { methods: ['GET', 'POST'] });
  await h.addCredential('open');
}, 60_000);
afterAll(async () => {
  await h?.close();
});

interface Answer {
  status: number;
  code: string | undefined;
  rule: string | undefined;
  message: string;
}

function answer(status: number, body: string): Answer {
  let error: { code?: string; rule?: string; message?: string } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch {
    error = undefined;
  }
  return { status, code: error?.code, rule: error?.rule, message: error?.message ?? '' };
}

/** One POST with a small body and `headers`, in `mode`: the harness's call, with headers of our choosing. */
async function post(mode: Mode, name: string, headers: Record<string, string>, key = h.masterKey): Promise<Answer> {
  const body = { 'content-length': '2', ...headers };
  if (mode === 'gateway') {
    const res = await send(h.port, { method: 'POST', path: `/${name}/v1/items`, headers: { 'x-tokenwarden-key': key, ...body }, body: '{}' });
    return answer(res.status, res.body);
  }
  if (mode === 'forward') {
    const target = `${h.plain.origin}/v1/items`;
    const res = await send(h.port, { method: 'POST', path: target, headers: { host: new URL(h.plain.origin).host, 'proxy-authorization': basic(name, key), ...body }, body: '{}' });
    return answer(res.status, res.body);
  }
  // The CA is re-minted when the bound hosts change, so take the current one.
  const ca = await h.service.caPem();
  const authority = new URL(h.secure.origin).host;
  return new Promise((resolve, reject) => {
    const connectReq = request({ host: '127.0.0.1', port: h.port, method: 'CONNECT', path: authority, headers: { host: authority, 'proxy-authorization': basic(name, key) }, setHost: false, agent: false });
    connectReq.on('connect', (res, socket) => {
      if (res.statusCode !== 200) return reject(new Error(`CONNECT answered ${res.statusCode}`));
      const tls = tlsConnect({ socket, servername: 'localhost', ca });
      tls.on('error', reject);
      tls.once('secureConnect', () => {
        const inner = request({ method: 'POST', path: '/v1/items', headers: { host: authority, ...body }, setHost: false, createConnection: () => tls }, (r) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => {
            tls.destroy();
            resolve(answer(r.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')));
          });
        });
        inner.on('error', reject);
        inner.end('{}');
      });
    });
    connectReq.on('error', reject);
    connectReq.end();
  });
}

/** Every override value an upstream call carried that names a method outside GET, POST. */
function smuggled(calls: readonly UpstreamCall[]): string[] {
  const found: string[] = [];
  for (const call of calls) {
    for (let i = 0; i < call.rawHeaders.length; i += 2) {
      if (!OVERRIDES.some((name) => name.toLowerCase() === call.rawHeaders[i]!.toLowerCase())) continue;
      for (const value of call.rawHeaders[i + 1]!.split(',')) {
        if (value.trim() && !ALLOWED.has(value.trim().toUpperCase())) found.push(`${call.rawHeaders[i]}: ${call.rawHeaders[i + 1]}`);
      }
    }
  }
  return found;
}

describe.each(MODES)('method-override headers under a --methods GET,POST rule (%s mode)', (mode) => {
  it.each(OVERRIDES)(`A8 a POST whose %s names DELETE is refused ERR_POLICY (rule methods) with 0 upstream calls (${mode})`, async (header) => {
    const refused = await h.counted(() => post(mode, 'gh', { [header]: 'DELETE' }));
    expect(refused.value).toMatchObject({ status: 403, code: 'ERR_POLICY', rule: 'methods' });
    expect(refused.value.message).toBe(`Credential "gh" allows only GET, POST (rule: methods); the request's ${header} header names another method.`);
    expect(refused.calls).toBe(0);
  });

  it(`A8 any spelling counts: lower case, padded, a list with one bad entry, a repeated header, an unknown verb (${mode})`, async () => {
    const spellings: Record<string, string>[] = [
      { 'x-http-method-override': 'delete' },
      { 'X-METHOD-OVERRIDE': '  put ' },
      { 'X-HTTP-Method': 'GET, PATCH' },
      { 'X-HTTP-Method-Override': 'POST,DELETE' },
      { 'X-HTTP-Method-Override': 'PURGE' },
    ];
    for (const headers of spellings) {
      const refused = await h.counted(() => post(mode, 'gh', headers));
      expect(refused.value, JSON.stringify(headers)).toMatchObject({ status: 403, code: 'ERR_POLICY', rule: 'methods' });
      expect(refused.calls).toBe(0);
    }
  });

  it(`A8 an override naming an allowed method (or nothing) may pass, and reaches the upstream as sent (${mode})`, async () => {
    const upstream = mode === 'forward' ? h.plain : h.secure;
    const allowed: Record<string, string>[] = [{ 'X-HTTP-Method-Override': 'GET' }, { 'X-Method-Override': 'post' }, { 'X-HTTP-Method': '' }];
    for (const headers of allowed) {
      const passed = await h.counted(() => post(mode, 'gh', headers));
      expect(passed.value.status, JSON.stringify(headers)).toBe(200);
      expect(passed.calls).toBe(1);
    }
    expect(upstream.calls.at(-2)!.headers['x-method-override']).toBe('post');
  });

  it(`A8 a key's --methods GET,POST refuses an override the same way it refuses the method itself (ERR_KEY_SCOPE) (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['open'], methods: ['GET', 'POST'] });
    const refused = await h.counted(() => post(mode, 'open', { 'X-HTTP-Method-Override': 'DELETE' }, key.key));
    expect(refused.value).toMatchObject({ status: 403, code: 'ERR_KEY_SCOPE', rule: 'methods' });
    expect(refused.value.message).toContain("the request's X-HTTP-Method-Override header names another method");
    expect(refused.calls).toBe(0);
    expect((await post(mode, 'open', { 'X-HTTP-Method-Override': 'GET' }, key.key)).status).toBe(200);
  });

  it(`A8 without a method rule an override is the upstream's business and is forwarded (${mode})`, async () => {
    const passed = await h.counted(() => post(mode, 'open', { 'X-HTTP-Method-Override': 'DELETE' }));
    expect(passed.value.status).toBe(200);
    expect(passed.calls).toBe(1);
  });
});

describe('the recording upstreams after every mode (A8)', () => {
  it('A8 never received, for the credential with a method rule, an override naming another method', () => {
    const ruled = [...h.secure.calls, ...h.plain.calls].filter((call) => call.headers.authorization === 'Bearer tw-canary-gh-0123456789abcdef');
    // 3 passing overrides per mode reached them; none of the refused ones did.
    expect(ruled).toHaveLength(3 * MODES.length);
    expect(smuggled(ruled)).toEqual([]);
  });
});
