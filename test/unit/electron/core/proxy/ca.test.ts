import { X509Certificate } from 'node:crypto';
import { AsnConvert } from '@peculiar/asn1-schema';
import { NameConstraints } from '@peculiar/asn1-x509';
import { describe, expect, it } from 'vitest';
import { canonicalHostnames, CertificateAuthority, generateCa, loadCa, mintLeaf, nameConstraintsExtension } from '../../../../../electron/core/proxy/ca.ts';
import { FakeProxyBackend } from '../../../../fixtures/proxy-backend.ts';
import { webcrypto } from 'node:crypto';

function subtrees(hostnames: string[], which: 'permittedSubtrees' | 'excludedSubtrees'): string[] {
  const nc = AsnConvert.parse(nameConstraintsExtension(hostnames).value, NameConstraints);
  return (nc[which] ?? []).map((s) => s.base.dNSName ?? `ip:${s.base.iPAddress}`);
}
const permitted = (hostnames: string[]): string[] => subtrees(hostnames, 'permittedSubtrees');
const excluded = (hostnames: string[]): string[] => subtrees(hostnames, 'excludedSubtrees');

describe('P11 CA construction', () => {
  it('canonicalHostnames lower-cases, strips brackets, sorts and dedupes', () => {
    expect(canonicalHostnames(['B.test', 'a.test', '[::1]', 'b.test', ''])).toEqual(['::1', 'a.test', 'b.test']);
  });

  it('P11 nameConstraints is critical and permits exactly the hosts (DNS names and single IPs)', () => {
    expect(nameConstraintsExtension(['a.test']).critical).toBe(true);
    expect(permitted(['a.test', '127.0.0.1', '::1'])).toEqual(['a.test', 'ip:127.0.0.1/32', 'ip:::1/128']);
  });

  it('P11 with nothing bound, the CA permits only the reserved name "invalid" and excludes every IP', () => {
    expect(permitted([])).toEqual(['invalid']);
    expect(excluded([])).toEqual(['ip:0.0.0.0/0', 'ip:::/0']);
  });

  it('P11 with only DNS names bound, every IP is excluded; with only IPs bound, DNS permits only "invalid"', () => {
    expect(permitted(['a.test'])).toEqual(['a.test']);
    expect(excluded(['a.test'])).toEqual(['ip:0.0.0.0/0', 'ip:::/0']);
    expect(permitted(['127.0.0.1'])).toEqual(['ip:127.0.0.1/32', 'invalid']);
    expect(excluded(['127.0.0.1'])).toEqual([]);
    expect(excluded(['a.test', '::1'])).toEqual([]);
  });

  it('P11 generateCa makes a pathlen-0 CA with a PKCS#8 key and fresh identity each time', async () => {
    const a = await generateCa(['api.test']);
    const b = await generateCa(['api.test']);
    const cert = new X509Certificate(a.certPem);
    expect(cert.ca).toBe(true);
    expect(a.keyPem).toMatch(/^-----BEGIN PRIVATE KEY-----\n/);
    expect(a.hostnames).toEqual(['api.test']);
    expect(cert.fingerprint256).not.toBe(new X509Certificate(b.certPem).fingerprint256);
    expect(cert.subject).not.toBe(new X509Certificate(b.certPem).subject);
  });

  it('P11 mintLeaf puts the host in the SAN (DNS or IP) and is signed by the CA', async () => {
    const material = await generateCa(['api.test', '127.0.0.1']);
    const ca = await loadCa(material);
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign'])) as webcrypto.CryptoKeyPair;
    const dns = new X509Certificate(await mintLeaf(ca, 'api.test', keys.publicKey));
    const ip = new X509Certificate(await mintLeaf(ca, '127.0.0.1', keys.publicKey));
    expect(dns.subjectAltName).toBe('DNS:api.test');
    expect(ip.subjectAltName).toBe('IP Address:127.0.0.1');
    // P11: no DNS-like CN on an IP leaf, or OpenSSL would check it against the DNS constraints.
    expect(ip.subject).not.toContain('CN=');
    expect(dns.ca).toBe(false);
    expect(dns.checkIssued(new X509Certificate(material.certPem))).toBe(true);
    expect(dns.checkHost('api.test')).toBe('api.test');
  });
});

/** A fake backend with one credential bound to https://a.test, and a CA over it. */
function boundToA(): { backend: FakeProxyBackend; ca: CertificateAuthority } {
  const backend = new FakeProxyBackend();
  backend.add({ name: 'a', hosts: ['https://a.test'] });
  return { backend, ca: new CertificateAuthority(backend) };
}

describe('P11 CertificateAuthority lifecycle', () => {
  it('creates and saves a CA on first use, reuses a stored one that matches, and regenerates when the bound set changes', async () => {
    const { backend, ca } = boundToA();
    const first = await ca.caPem();
    expect(backend.saveCaCalls).toBe(1);
    expect(await ca.caPem()).toBe(first);

    const again = new CertificateAuthority(backend);
    expect(await again.caPem()).toBe(first);
    expect(backend.saveCaCalls).toBe(1);

    backend.add({ name: 'b', hosts: ['https://b.test:8443'] });
    const second = await ca.caPem();
    expect(second).not.toBe(first);
    expect(backend.savedCa?.hostnames).toEqual(['a.test', 'b.test']);
    expect(backend.saveCaCalls).toBe(2);
  });

  it('caches one TLS context per host and drops the cache when the CA changes', async () => {
    const { backend, ca } = boundToA();
    const one = await ca.secureContext('a.test');
    expect(await ca.secureContext('A.TEST')).toBe(one);
    backend.add({ name: 'b', hosts: ['https://b.test'] });
    expect(await ca.secureContext('a.test')).not.toBe(one);
  });

  it('P11 leaves are minted only for exactly bound names: a subdomain or a parent of a bound host is refused', async () => {
    const { ca } = boundToA();
    await expect(ca.secureContext('a.test')).resolves.toBeDefined();
    for (const name of ['sub.a.test', 'x.y.a.test', 'test', 'b.test']) {
      await expect(ca.secureContext(name)).rejects.toMatchObject({ code: 'ERR_HOST_NOT_BOUND' });
    }
  });

  it('S6 forget() drops the CA key and every context; after unlock the CA is reloaded from the backend, not kept', async () => {
    const { backend, ca } = boundToA();
    const pem = await ca.caPem();
    const context = await ca.secureContext('a.test');
    expect(ca.holdsSecrets()).toBe(true);
    const loads = backend.loadCaCalls;
    ca.forget();
    expect(ca.holdsSecrets()).toBe(false);
    expect(await ca.caPem()).toBe(pem);
    expect(backend.loadCaCalls).toBe(loads + 1);
    expect(backend.saveCaCalls).toBe(1);
    expect(await ca.secureContext('a.test')).not.toBe(context);
  });

  it('S6 a context whose minting straddles forget() is refused, not cached', async () => {
    const { backend, ca } = boundToA();
    await ca.caPem();
    const pending = ca.secureContext('a.test');
    backend.locked = true;
    ca.forget();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    expect(ca.holdsSecrets()).toBe(false);
  });

  it('throws ERR_LOCKED while the vault is locked', async () => {
    const backend = new FakeProxyBackend();
    backend.locked = true;
    expect(() => new CertificateAuthority(backend).current()).toThrow(expect.objectContaining({ code: 'ERR_LOCKED' }));
  });
});
