/**
 * A credential's private upstream CA (`--upstream-ca`): the one place that decides whether a PEM may be
 * stored, and how a stored one is named to a person. `add` and `update` both check here, after the shared
 * schema's cheap PEM test, so a file that only looks like a certificate is refused when it is given, not at
 * the first proxied request (where it would surface as an untrusted upstream).
 */
import { X509Certificate } from 'node:crypto';
import { MESSAGES } from '../../../shared/human-messages.ts';
import type { UpstreamCaCertificate } from '../../../shared/model.ts';
import { visible } from '../../../shared/visible-text.ts';
import { TokenwardenError } from '../base/errors.ts';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]{1,64})-----([\s\S]*?)-----END \1-----/g;
const SUBJECT_MAX = 64;

interface Reading {
  certificates: UpstreamCaCertificate[];
  problem?: string;
}

/** Every PEM block, in file order; text between blocks (comments, OpenSSL "Bag Attributes") is ignored, as OpenSSL does. */
function read(pem: string): Reading {
  const blocks = [...pem.matchAll(PEM_BLOCK)];
  // A private key next to the CA would be stored with the credential for nothing: refuse it rather than keep it.
  const other = blocks.find((b) => b[1] !== 'CERTIFICATE');
  const certs = blocks.filter((b) => b[1] === 'CERTIFICATE');
  const certificates: UpstreamCaCertificate[] = [];
  let problem = other ? MESSAGES.caOtherBlock(other[1]!) : certs.length === 0 ? MESSAGES.caNotPem : undefined;
  certs.forEach((block, i) => {
    try {
      const cert = new X509Certificate(block[0]);
      certificates.push({ subject: subjectName(cert.subject), fingerprint: cert.fingerprint256 });
    } catch {
      problem ??= MESSAGES.caNotParsed(i + 1, certs.length);
    }
  });
  return problem === undefined ? { certificates } : { certificates, problem };
}

/** The CN a person recognises (else the whole subject on one line), clipped: `show` and the dialog stay short. */
function subjectName(subject: string): string {
  const lines = subject.split('\n');
  const cn = lines.findLast((line) => line.startsWith('CN='))?.slice(3);
  const text = visible(cn ?? lines.join(', '));
  return text.length > SUBJECT_MAX ? `${text.slice(0, SUBJECT_MAX - 1)}…` : text;
}

/** The certificates of a PEM about to be stored; ERR_INVALID_INPUT unless every block is a readable certificate. */
export function checkUpstreamCa(pem: string): UpstreamCaCertificate[] {
  const { certificates, problem } = read(pem);
  if (problem !== undefined) throw new TokenwardenError('ERR_INVALID_INPUT', problem);
  return certificates;
}

/**
 * How a stored CA is shown. Never throws: a record written before certificates were parsed may hold a block
 * that does not read, and `show` must still work (such blocks are simply not listed).
 */
export function describeUpstreamCa(pem: string | undefined): UpstreamCaCertificate[] | null {
  return pem ? read(pem).certificates : null;
}
