/** Writes a CA bundle (system roots + ours) for `tokenwarden exec`: SSL_CERT_FILE, CURL_CA_BUNDLE, REQUESTS_CA_BUNDLE. */
import { readFile, writeFile, rename } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';

const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/** Node's bundled roots, the distribution bundle when present, then our CA last; written atomically, mode 0600. */
export async function writeCaBundle(caPem: string, path: string, systemBundlePath: string = SYSTEM_BUNDLE): Promise<void> {
  const parts: string[] = [...rootCertificates];
  const system = await readFile(systemBundlePath, 'utf8').catch(() => undefined);
  if (system) parts.push(system.trim());
  parts.push(caPem.trim());
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, parts.join('\n') + '\n', { mode: 0o600 });
  await rename(tmp, path);
}
