import { describe, expect, it } from 'vitest';
import { generateCa } from '../../../electron/core/proxy/ca.ts';
import { opensslText, verifyLeaf } from '../../fixtures/proxy-verify.ts';

describe('P11 the CA constrains both DNS names and IP addresses, whatever is bound', () => {
  it('P11 with only DNS hosts bound, an IP-SAN leaf for 127.0.0.1 fails Node and openssl verification', async () => {
    const ca = await generateCa(['api.test']);
    const ip = await verifyLeaf(ca, '127.0.0.1');
    expect(ip.signedByCa).toBe(true);
    expect(ip.node).not.toBe('ok');
    expect(ip.openssl).toContain('excluded subtree violation');
    const v6 = await verifyLeaf(ca, '::1');
    expect(v6.node).not.toBe('ok');
    expect(v6.openssl).toContain('excluded subtree violation');
    expect((await verifyLeaf(ca, 'api.test')).node).toBe('ok');
    const text = await opensslText(ca.certPem);
    expect(text).toMatch(/X509v3 Name Constraints: critical\s+Permitted:\s+DNS:api\.test\s+Excluded:\s+IP:0\.0\.0\.0\/0\.0\.0\.0\s+IP:0:0:0:0:0:0:0:0\/0:0:0:0:0:0:0:0\s*\n/);
  });

  it('P11 with only IPs bound, a DNS leaf fails verification while the bound IP passes', async () => {
    const ca = await generateCa(['127.0.0.1']);
    const evil = await verifyLeaf(ca, 'evil.example');
    expect(evil.signedByCa).toBe(true);
    expect(evil.node).not.toBe('ok');
    expect(evil.openssl).toContain('permitted subtree violation');
    expect(await verifyLeaf(ca, '127.0.0.1')).toEqual({ node: 'ok', openssl: expect.stringContaining(': OK'), signedByCa: true });
    expect((await verifyLeaf(ca, '127.0.0.2')).node).not.toBe('ok');
    expect(await opensslText(ca.certPem)).toMatch(/Permitted:\s+IP:127\.0\.0\.1\/255\.255\.255\.255\s+DNS:invalid\s*\n/);
  });

  it('P11 with DNS names and IPs bound, each bound name passes and nothing else does', async () => {
    const ca = await generateCa(['localhost', '127.0.0.1']);
    expect((await verifyLeaf(ca, 'localhost')).node).toBe('ok');
    expect((await verifyLeaf(ca, '127.0.0.1')).node).toBe('ok');
    expect((await verifyLeaf(ca, '127.0.0.2')).node).not.toBe('ok');
    expect((await verifyLeaf(ca, 'evil.example')).node).not.toBe('ok');
  });

  it('P11 with nothing bound, neither a DNS name nor an IP verifies', async () => {
    const ca = await generateCa([]);
    expect((await verifyLeaf(ca, 'evil.example')).node).not.toBe('ok');
    expect((await verifyLeaf(ca, '127.0.0.1')).node).not.toBe('ok');
    expect((await verifyLeaf(ca, '::1')).node).not.toBe('ok');
  });

  it('P11 RFC 5280 §4.2.1.10: a dNSName constraint also permits its subdomains, so only exact minting keeps other names out', async () => {
    const ca = await generateCa(['api.test']);
    // Were the CA ever to sign sub.api.test, clients would accept it; CertificateAuthority refuses to (ca.test.ts).
    expect((await verifyLeaf(ca, 'sub.api.test')).node).toBe('ok');
    expect((await verifyLeaf(ca, 'sub.api.test')).openssl).toContain(': OK');
    // A sibling or parent name is outside the subtree.
    expect((await verifyLeaf(ca, 'test')).node).not.toBe('ok');
    expect((await verifyLeaf(ca, 'xapi.test')).node).not.toBe('ok');
  });
});
