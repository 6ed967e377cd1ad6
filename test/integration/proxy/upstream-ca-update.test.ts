/**
 * P11 a credential's private upstream CA can be replaced and removed through the service, and the proxy
 * verifies against the new one from its very next request (pools are keyed by the CA's hash).
 */
import { X509Certificate } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../shared/human-messages.ts';
import { composeService } from '../../../electron/core/create-service.ts';
import type { OwnerApi } from '../../../electron/core/owner-api.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { authorizationsOf, makeTlsMaterial, startUpstream, type TestUpstream, type TlsMaterial } from '../../fixtures/proxy-upstream.ts';

const TOKEN = 'tw-canary-upstream-ca-0123456789abcdef';
let home: string;
let service: OwnerApi;
let upstream: TestUpstream;
let ca1: TlsMaterial;
let ca2: TlsMaterial;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'tw-upstream-ca-'));
  [ca1, ca2] = await Promise.all([makeTlsMaterial(['127.0.0.1']), makeTlsMaterial(['127.0.0.1'])]);
  upstream = await startUpstream({ tls: ca1 });
  // No trustedCaPems: only the default roots, so the credential's own CA is the only way to reach this upstream.
  ({ api: service } = await composeService({ home, env: { TOKENWARDEN_PASSPHRASE: 'upstream ca passphrase' }, keyring: false, proxy: { port: 0 } }));
  await service.add({ kind: 'static', name: 'private', hosts: [upstream.origin], token: TOKEN, upstreamCa: ca1.caPem });
}, 60_000);

afterAll(async () => {
  await service?.close();
  await upstream?.close();
  await rm(home, { recursive: true, force: true });
});

async function gateway(): Promise<{ status: number; code: string | undefined }> {
  const { port } = await service.proxyInfo();
  const res = await send(port!, { path: '/private/v1', headers: { 'x-tokenwarden-key': await service.proxyKey() } });
  return { status: res.status, code: res.json?.error?.code };
}

const fingerprint = (pem: string) => new X509Certificate(pem).fingerprint256;

describe('P11 changing a credential\'s upstream CA', () => {
  it('P11 the detail names the CA by CN and fingerprint, never the PEM', async () => {
    const detail = await service.get('private');
    expect(detail.upstreamCa).toEqual([{ subject: expect.stringMatching(/^Tokenwarden local CA /), fingerprint: fingerprint(ca1.caPem) }]);
    expect(JSON.stringify(detail)).not.toContain('BEGIN CERTIFICATE');
  });

  it('P11 a replaced CA takes effect on the next request: a server the old CA signed gets 502 ERR_UPSTREAM_CERT and no token', async () => {
    expect(await gateway()).toEqual({ status: 200, code: undefined });
    expect(authorizationsOf(upstream.calls.at(-1)!)).toEqual([`Bearer ${TOKEN}`]);
    const calls = upstream.calls.length;
    await service.update('private', { upstreamCa: ca2.caPem });
    expect((await service.get('private')).upstreamCa?.map((c) => c.fingerprint)).toEqual([fingerprint(ca2.caPem)]);
    expect(await gateway()).toEqual({ status: 502, code: 'ERR_UPSTREAM_CERT' });
    expect(upstream.calls).toHaveLength(calls);
    await service.update('private', { upstreamCa: ca1.caPem });
    expect(await gateway()).toEqual({ status: 200, code: undefined });
    expect(upstream.calls).toHaveLength(calls + 1);
  });

  it('P11 null removes the CA: the default roots alone do not trust the private upstream', async () => {
    const calls = upstream.calls.length;
    await service.update('private', { upstreamCa: null });
    expect((await service.get('private')).upstreamCa).toBeNull();
    expect(await gateway()).toEqual({ status: 502, code: 'ERR_UPSTREAM_CERT' });
    expect(upstream.calls).toHaveLength(calls);
    await service.update('private', { upstreamCa: ca1.caPem });
  });

  it('P11 a CA that does not parse is refused like at add time, and nothing changes', async () => {
    const before = await service.get('private');
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    await expect(service.update('private', { upstreamCa: 'not a certificate' })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: MESSAGES.caNotPem });
    await expect(service.update('private', { upstreamCa: broken })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: MESSAGES.caNotParsed(1, 1) });
    await expect(service.update('private', { upstreamCa: `${ca2.caPem}${ca2.keyPem}` })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT', message: MESSAGES.caOtherBlock('PRIVATE KEY') });
    await expect(service.add({ kind: 'static', name: 'other', hosts: [upstream.origin], token: TOKEN, upstreamCa: broken })).rejects.toMatchObject({ code: 'ERR_INVALID_INPUT' });
    const after = await service.get('private');
    expect(after.revision).toBe(before.revision);
    expect(after.upstreamCa).toEqual(before.upstreamCa);
    await expect(service.get('other')).rejects.toMatchObject({ code: 'ERR_NOT_FOUND' });
  });

  it('P11 an update of other fields keeps the CA', async () => {
    await service.update('private', { authPolicy: 'force' });
    expect((await service.get('private')).upstreamCa?.map((c) => c.fingerprint)).toEqual([fingerprint(ca1.caPem)]);
    expect(await gateway()).toEqual({ status: 200, code: undefined });
  });
});
