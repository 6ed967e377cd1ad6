/** Writes a CA bundle (system roots + ours) for tools that replace their roots: SSL_CERT_FILE, CURL_CA_BUNDLE, GIT_SSL_CAINFO, … */
import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { writeFileAtomic } from '../vault/atomic-file.ts';

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Node's bundled roots, the distribution bundle when present, then our CA last; written atomically, mode 0600. */
export async function writeCaBundle(caPem: string, path: string, systemBundlePath: string = SYSTEM_BUNDLE): Promise<void> {
  const parts: string[] = [...rootCertificates];
  const system = await readFile(systemBundlePath, 'utf8').catch(() => undefined);
  if (system) parts.push(system.trim());
  parts.push(caPem.trim());
  await writeFileAtomic(path, parts.join('\n') + '\n', { mode: 0o600 });
}
