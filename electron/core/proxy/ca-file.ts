/**
 * The CA files the owner keeps beside the vault: `ca.pem` (ours alone, for NODE_EXTRA_CA_CERTS and for
 * importing into Postman or a trust store) and `ca-bundle.pem` (system roots plus ours). Only the owner
 * writes them, atomically, whenever the CA it serves differs from what is on disk, so a path shown in the
 * proxy panel or printed by `tkw proxy-env` always names a complete, current file.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../vault/atomic-file.ts';
import { writeCaBundle } from './ca-bundle.ts';

export interface CaFilePaths {
  caPath: string;
  bundlePath: string;
}

export function caFilePaths(home: string): CaFilePaths {
  return { caPath: join(home, 'ca.pem'), bundlePath: join(home, 'ca-bundle.pem') };
}

/** Rewrites both files when `pem` is not what `ca.pem` holds; each write is atomic, so a racing writer is harmless. */
export async function syncCaFiles(home: string, pem: string): Promise<CaFilePaths> {
  const paths = caFilePaths(home);
  const onDisk = await readFile(paths.caPath, 'utf8').catch(() => undefined);
  if (onDisk !== pem) {
    // The bundle first: a reader that sees the new ca.pem also finds a bundle that trusts it.
    await writeCaBundle(pem, paths.bundlePath);
    await writeFileAtomic(paths.caPath, pem, { mode: 0o600 });
  }
  return paths;
}

/** `SHA256 AB:CD:…` of a PEM certificate, as browsers and `openssl x509 -fingerprint -sha256` show it. */
export function caFingerprint(pem: string): string | null {
  try {
    return new X509Certificate(pem).fingerprint256;
  } catch {
    return null;
  }
}

/** The CA file the owner wrote and its fingerprint, for `tkw status`: it needs no CA key and works while locked. */
export function caFileInfo(home: string): { path: string; fingerprint: string | null } {
  const { caPath } = caFilePaths(home);
  let pem: string | undefined;
  try {
    pem = readFileSync(caPath, 'utf8');
  } catch {
    pem = undefined;
  }
  return { path: caPath, fingerprint: pem ? caFingerprint(pem) : null };
}
