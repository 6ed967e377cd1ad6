/** P11 private and self-signed upstreams: a 502 that says "certificate not trusted", and a per-credential CA that fixes it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';
import { makeTlsMaterial, startUpstream, type TestUpstream, type TlsMaterial } from '../../fixtures/proxy-upstream.ts';

let h: ProxyHarness;
let privateUpstream: TestUpstream;
let material: TlsMaterial;

beforeAll(async () => {
  h = await startHarness();
  material = await makeTlsMaterial(['127.0.0.1']);
  privateUpstream = await startUpstream({ tls: material });
});
afterAll(async () => {
  await privateUpstream.close();
  await h.close();
});

const gateway = (name: string) => h.send({ path: `/${name}/x`, headers: { 'x-tokenwarden-key': h.backend.keyString() } });

describe('P11 private upstream CAs', () => {
  it('P11 an untrusted upstream certificate is a 502 ERR_UPSTREAM_CERT that says so, with 0 requests upstream', async () => {
    h.backend.add({ name: 'untrusted', hosts: [privateUpstream.origin] });
    const res = await gateway('untrusted');
    expect(res.status).toBe(502);
    expect(res.json?.error?.code).toBe('ERR_UPSTREAM_CERT');
    expect(res.json?.error?.message).toContain('certificate is not trusted');
    expect(res.json?.error?.message).not.toContain('could not be reached');
    expect(privateUpstream.calls).toHaveLength(0);
  });

  it('P11 --upstream-ca trusts the private CA for that credential only', async () => {
    h.backend.add({ name: 'trusted', hosts: [privateUpstream.origin], upstreamCa: material.caPem });
    const ok = await gateway('trusted');
    expect(ok.status).toBe(200);
    expect(privateUpstream.calls).toHaveLength(1);
    // Another credential bound to the same origin does not inherit the trust.
    expect((await gateway('untrusted')).json?.error?.code).toBe('ERR_UPSTREAM_CERT');
    expect(privateUpstream.calls).toHaveLength(1);
  });
});
