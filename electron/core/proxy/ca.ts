/**
 * The per-install CA (P11): certificate generation with @peculiar/x509. Only CONNECT interception and `tkw ca`
 * need it, so CertificateAuthority (certificate-authority.ts) loads this module on first use: x509, tsyringe and
 * the ASN.1 schemas are a large share of an owner's start-up time and idle memory.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
// @peculiar/x509 uses tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import { GeneralName, GeneralSubtree, GeneralSubtrees, NameConstraints, id_ce_nameConstraints } from '@peculiar/asn1-x509';
import { canonicalHostnames } from './certificate-authority.ts';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;
/** RFC 6761 reserves `invalid`: a CA with no bound host permits only names that can never resolve. */
const NOTHING_BOUND = 'invalid';

export interface CaMaterial {
  certPem: string;
  keyPem: string;
  hostnames: string[];
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f;
  return bytes.toString('hex');
}

function pem(label: string, der: ArrayBuffer): string {
  const b64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

function pemToDer(text: string): Buffer {
  return Buffer.from(text.replace(/-----[A-Z ]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

function subtreeFor(hostname: string): GeneralSubtree {
  const family = isIP(hostname);
  const base =
    family === 4 ? new GeneralName({ iPAddress: `${hostname}/32` })
    : family === 6 ? new GeneralName({ iPAddress: `${hostname}/128` })
    : new GeneralName({ dNSName: hostname });
  return new GeneralSubtree({ base });
}

/** Every IPv4 and IPv6 address: excluded when no IP is bound. */
const ALL_IPS = ['0.0.0.0/0', '::/0'].map((iPAddress) => new GeneralSubtree({ base: new GeneralName({ iPAddress }) }));

/**
 * A critical nameConstraints extension that permits exactly the given hosts (RFC 5280 §4.2.1.10).
 * A name type with no subtree is unconstrained, so both types are always constrained: no DNS name bound
 * permits only `invalid`, and no IP bound excludes every address.
 */
export function nameConstraintsExtension(hostnames: readonly string[]): x509.Extension {
  const names = [...hostnames];
  if (!names.some((h) => isIP(h) === 0)) names.push(NOTHING_BOUND);
  const anyIp = names.some((h) => isIP(h) !== 0);
  const value = new NameConstraints({
    permittedSubtrees: new GeneralSubtrees(names.map(subtreeFor)),
    ...(anyIp ? {} : { excludedSubtrees: new GeneralSubtrees(ALL_IPS) }),
  });
  return new x509.Extension(id_ce_nameConstraints, true, AsnConvert.serialize(value));
}

/** Generates a fresh CA; the private key is returned as PKCS#8 PEM for the vault to encrypt. */
export async function generateCa(hostnames: readonly string[], now: Date = new Date()): Promise<CaMaterial> {
  const canonical = canonicalHostnames(hostnames);
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=Tokenwarden local CA ${randomBytes(4).toString('hex')}, O=Tokenwarden`,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(now.getTime() + 3650 * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      nameConstraintsExtension(canonical),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', keys.privateKey);
  return { certPem: cert.toString('pem') + '\n', keyPem: pem('PRIVATE KEY', pkcs8), hostnames: canonical };
}

export interface LoadedCa {
  material: CaMaterial;
  cert: x509.X509Certificate;
  key: CryptoKey;
}

export interface LeafKeys {
  publicKey: CryptoKey;
  keyPem: string;
}

/** One leaf key per process, as mitmproxy does: minting a leaf is then one signature. */
export async function newLeafKeys(): Promise<LeafKeys> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as CryptoKeyPair;
  return { publicKey: keys.publicKey, keyPem: pem('PRIVATE KEY', await webcrypto.subtle.exportKey('pkcs8', keys.privateKey)) };
}

/** Mints a leaf for one host, signed by the CA, valid for serverAuth only. */
export async function mintLeaf(ca: { cert: x509.X509Certificate; key: CryptoKey }, hostname: string, publicKey: CryptoKey, now: Date = new Date()): Promise<string> {
  const host = hostname.replace(/^\[|\]$/g, '');
  const san = isIP(host) ? { type: 'ip' as const, value: host } : { type: 'dns' as const, value: host };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    // OpenSSL checks a DNS-like CN against the DNS constraints when the leaf has no DNS SAN, so an IP leaf carries no CN.
    subject: isIP(host) ? 'O=Tokenwarden' : `CN=${host.replace(/[,=+<>#;"\\]/g, '')}`,
    issuer: ca.cert.subject,
    notBefore: new Date(now.getTime() - DAY_MS),
    notAfter: new Date(Math.min(now.getTime() + 397 * DAY_MS, ca.cert.notAfter.getTime())),
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth], false),
      new x509.SubjectAlternativeNameExtension([san], false),
      await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
    ],
  });
  return cert.toString('pem') + '\n';
}

/** Imports stored CA material for signing. */
export async function loadCa(material: CaMaterial): Promise<{ cert: x509.X509Certificate; key: CryptoKey }> {
  const key = await webcrypto.subtle.importKey('pkcs8', pemToDer(material.keyPem), EC, false, ['sign']);
  return { cert: new x509.X509Certificate(material.certPem), key };
}

export { canonicalHostnames, CertificateAuthority } from './certificate-authority.ts';
