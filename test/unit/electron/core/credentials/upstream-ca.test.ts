/** P11 a private upstream CA is stored only when every block is a readable certificate, and is named by CN and SHA-256. */
import { X509Certificate } from 'node:crypto';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGES } from '../../../../../shared/human-messages.ts';
import { checkUpstreamCa, describeUpstreamCa } from '../../../../../electron/core/credentials/upstream-ca.ts';
import { patchRecord } from '../../../../../electron/core/credentials/update-record.ts';
import type { CredentialRecord } from '../../../../../electron/core/credentials/credential-record.ts';
import { makeTlsMaterial, type TlsMaterial } from '../../../../fixtures/proxy-upstream.ts';

let one: TlsMaterial;
let two: TlsMaterial;

beforeAll(async () => {
  [one, two] = await Promise.all([makeTlsMaterial(['127.0.0.1']), makeTlsMaterial(['127.0.0.1'])]);
});

/** A self-signed certificate with exactly this subject, for names no real CA generator would produce. */
async function selfSigned(name: x509.JsonName): Promise<string> {
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  // Node's global WebCrypto, which @peculiar/x509 uses by default.
  const keys = await crypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name, keys, signingAlgorithm: alg, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000) });
  return cert.toString('pem');
}

const invalid = (message: string) => expect.objectContaining({ code: 'ERR_INVALID_INPUT', message });

describe('P11 upstream CA check (core/credentials/upstream-ca.ts)', () => {
  it('P11 names each certificate by its CN and the SHA-256 fingerprint openssl shows', () => {
    const cert = new X509Certificate(one.caPem);
    expect(checkUpstreamCa(one.caPem)).toEqual([{ subject: expect.stringMatching(/^Tokenwarden local CA [0-9a-f]{8}$/), fingerprint: cert.fingerprint256 }]);
    expect(cert.subject).toContain(`CN=${checkUpstreamCa(one.caPem)[0]!.subject}`);
    expect(describeUpstreamCa(one.caPem)).toEqual(checkUpstreamCa(one.caPem));
    expect(describeUpstreamCa(undefined)).toBeNull();
  });

  it('P11 a bundle lists every certificate in file order, comments between blocks allowed', () => {
    const bundle = `# corp roots\n${two.caPem}\nsubject=whatever openssl printed\n${one.caPem}`;
    expect(checkUpstreamCa(bundle).map((c) => c.fingerprint)).toEqual([new X509Certificate(two.caPem).fingerprint256, new X509Certificate(one.caPem).fingerprint256]);
  });

  it('P11 refuses text with no certificate, a block that does not parse, and a private key next to the CA', () => {
    expect(() => checkUpstreamCa('not a certificate')).toThrow(invalid(MESSAGES.caNotPem));
    const broken = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
    expect(() => checkUpstreamCa(broken)).toThrow(invalid(MESSAGES.caNotParsed(1, 1)));
    expect(() => checkUpstreamCa(`${one.caPem}${broken}`)).toThrow(invalid(MESSAGES.caNotParsed(2, 2)));
    expect(() => checkUpstreamCa(`${one.caPem}${one.keyPem}`)).toThrow(invalid(MESSAGES.caOtherBlock('PRIVATE KEY')));
  });

  it('P11 describing a stored CA never throws: blocks that do not parse are left out', () => {
    const broken = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    expect(describeUpstreamCa(broken)).toEqual([]);
    expect(describeUpstreamCa(`${broken}${one.caPem}`)).toHaveLength(1);
  });

  it('E5 a subject with control or bidi characters is spelled out, and a long one is clipped', async () => {
    const sneaky = checkUpstreamCa(await selfSigned([{ CN: ['Corp Root\u202Egnp.exe'] }]))[0]!.subject;
    expect(sneaky).toBe('Corp Root\\u{202E}gnp.exe');
    const long = checkUpstreamCa(await selfSigned([{ CN: ['x'.repeat(200)] }]))[0]!.subject;
    expect(long).toHaveLength(64);
    expect(long.endsWith('…')).toBe(true);
    // No CN: the whole subject, on one line.
    expect(checkUpstreamCa(await selfSigned([{ O: ['Corp'] }, { OU: ['Infra'] }]))[0]!.subject).toBe('O=Corp, OU=Infra');
  });
});

describe('update patches', () => {
  const record = { name: 'api', hosts: ['https://internal.example'], upstreamCa: 'old' } as unknown as CredentialRecord;

  it('P11 a new CA replaces the old one, null removes the key, and a patch without it keeps it', () => {
    expect(patchRecord(record, { upstreamCa: 'new' }).upstreamCa).toBe('new');
    const cleared = patchRecord(record, { upstreamCa: null });
    expect('upstreamCa' in cleared).toBe(false);
    expect(patchRecord(record, { authPolicy: 'force' })).toMatchObject({ upstreamCa: 'old', authPolicy: 'force' });
  });
});
