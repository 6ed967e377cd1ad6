/**
 * A7 through the real proxy, against an upstream that decodes the path twice before routing (as a decoding front
 * server ahead of an application does). The paths that reached /admin through `--paths '/public/**'` are refused
 * before any upstream call, for a credential's rule and for an access key's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODES, startAccessHarness, type AccessHarness } from '../../fixtures/access-harness.ts';
import type { UpstreamHandler } from '../../fixtures/proxy-upstream.ts';

const REPRODUCED = [
  '/public/%25%32%65%25%32%65/admin',
  '/public/%252%65%252%65/admin',
  '/public/%25%32e%25%32e/admin',
  '/public/%25%32%65%25%32%65%25%32%66admin',
];

const decodeOnce = (text: string): string => text.replace(/%([0-9a-f]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));

/** Where the twice-decoding upstream sent each call: "\" as "/", dot-segments resolved. */
const routed: string[] = [];

const decodesTwice: UpstreamHandler = (_req, res, call) => {
  const twice = decodeOnce(decodeOnce(call.url.split('?')[0]!)).replace(/\\/g, '/');
  const stack: string[] = [];
  for (const s of twice.split('/').slice(1)) {
    if (s === '..') stack.pop();
    else if (s !== '.') stack.push(s);
  }
  const route = `/${stack.join('/')}`;
  routed.push(route);
  res.writeHead(200, { 'content-type': 'text/plain' });
  res.end(route === '/admin' ? 'admin area' : `public: ${route}`);
};

let h: AccessHarness;

beforeAll(async () => {
  h = await startAccessHarness();
  h.secure.handler = decodesTwice;
  h.plain.handler = decodesTwice;
  await h.addCredential('open');
  await h.addCredential('public-only', { paths: ['/public/**'] });
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('A7 an upstream that decodes twice', () => {
  it('A7 without a path rule each reproduced path really reaches /admin there (so a refusal is what stops it)', async () => {
    for (const path of REPRODUCED) {
      const before = routed.length;
      const r = await h.call('gateway', { name: 'open', path });
      expect(r.status).toBe(200);
      expect(r.body).toBe('admin area');
      expect(routed.slice(before)).toEqual(['/admin']);
    }
  });
});

describe.each(MODES)('A7 double encodings through the proxy in %s mode', (mode) => {
  it(`A7 a credential's --paths refuses each reproduced path with ERR_POLICY and 0 upstream calls; /public/ok still reaches it (${mode})`, async () => {
    for (const path of REPRODUCED) {
      const r = await h.counted(() => h.call(mode, { name: 'public-only', path }));
      expect(r.value).toMatchObject({ status: 403, code: 'ERR_POLICY', rule: 'paths' });
      expect(r.value.body).not.toContain('%25');
      expect(r.calls).toBe(0);
    }
    const ok = await h.counted(() => h.call(mode, { name: 'public-only', path: '/public/ok' }));
    expect(ok.value.status).toBe(200);
    expect(ok.value.body).toBe('public: /public/ok');
    expect(ok.calls).toBe(1);
  });

  it(`A7 an access key's --paths refuses each reproduced path with 0 upstream calls; /public/ok still reaches it (${mode})`, async () => {
    const key = await h.service.createAccessKey({ for: ['open'], paths: ['/public/**'], label: `a7 ${mode}` });
    for (const path of REPRODUCED) {
      const r = await h.counted(() => h.call(mode, { name: 'open', key: key.key, path: `${path}?q=query-canary-value` }));
      expect(r.value).toMatchObject({ status: 403, code: 'ERR_POLICY', rule: 'paths' });
      expect(r.value.body).not.toContain('query-canary-value');
      expect(r.calls).toBe(0);
    }
    const ok = await h.counted(() => h.call(mode, { name: 'open', key: key.key, path: '/public/ok' }));
    expect(ok.value.status).toBe(200);
    expect(ok.value.body).toBe('public: /public/ok');
    expect(ok.calls).toBe(1);
    // The refusals took none of the key's uses and left it active.
    expect((await h.service.listAccessKeys()).find((k) => k.id === key.id)).toMatchObject({ status: 'active' });
  });
});
