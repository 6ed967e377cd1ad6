/** Reading the vault file from disk with recovery: damaged files are quarantined (never cleared) and the last-good .bak restored (SECURITY R2). */
import { readFile, rename, stat } from 'node:fs/promises';
import { TokenwardenError, isTokenwardenError } from '../base/errors.ts';
import { writeFileAtomic } from './atomic-file.ts';
import type { Key } from './envelope.ts';
import { decryptVault, keyMatches, type Plain, type PreviousState } from './vault-codec.ts';
import { parseVaultFile, type VaultFile } from './vault-file.ts';

export interface VaultPaths {
  file: string;
  backup: string;
}

export interface Loaded {
  file: VaultFile | undefined;
  warnings: string[];
  /** The bytes `file` was parsed from, when it came straight from the main file (lets the writer reuse them). */
  bytes?: Buffer;
  /** R2: set when the backup was loaded in place of the main file. */
  recovered?: { kind: 'quarantined' | 'restored-missing'; reason: string; quarantinedTo: string | null };
}

export function vaultPaths(file: string): VaultPaths {
  return { file, backup: `${file}.bak` };
}

/** Loads the main file; if it is damaged, recovers from the backup. An unknown format version is never "repaired". */
export async function loadVaultFile(paths: VaultPaths, clock: () => Date): Promise<Loaded> {
  const bytes = await readBytes(paths.file);
  const text = bytes?.toString('utf8');
  if (text === undefined) {
    const backup = await readText(paths.backup);
    if (backup === undefined) return { file: undefined, warnings: [] };
    // A .bak without its main file means the main was lost; a fresh empty vault would silently hide the data.
    const file = parseVaultFile(backup);
    await writeFileAtomic(paths.file, backup);
    return {
      file,
      warnings: [`${paths.file} was missing; restored it from the backup ${paths.backup}.`],
      recovered: { kind: 'restored-missing', reason: `${paths.file} was missing.`, quarantinedTo: null },
    };
  }
  try {
    return { file: parseVaultFile(text), warnings: [], bytes };
  } catch (err) {
    if (!isTokenwardenError(err) || err.code !== 'ERR_CORRUPT') throw err;
    return recoverFromBackup(paths, err.message, clock);
  }
}

/**
 * Replaces a damaged main file with the backup. `accept` may reject the backup (e.g. it fails authentication too);
 * only after the backup is accepted is the damaged file moved aside, so a failure leaves every byte where it was.
 */
export async function recoverFromBackup(
  paths: VaultPaths,
  reason: string,
  clock: () => Date,
  accept: (file: VaultFile) => void = () => undefined,
): Promise<Loaded> {
  const backupText = await readText(paths.backup);
  let file: VaultFile;
  try {
    if (backupText === undefined) throw new TokenwardenError('ERR_CORRUPT', 'There is no backup.');
    file = parseVaultFile(backupText);
    accept(file);
  } catch (err) {
    const why = isTokenwardenError(err) ? err.message : 'The backup could not be read.';
    throw new TokenwardenError(
      'ERR_CORRUPT',
      `${reason} No usable backup at ${paths.backup} (${why}) The damaged file was left untouched at ${paths.file}; restore it or move it away to start a new vault.`,
    );
  }
  const quarantined = await quarantine(paths.file, clock);
  await writeFileAtomic(paths.file, backupText);
  return {
    file,
    warnings: [`${reason} The damaged vault was moved to ${quarantined} and the last good backup ${paths.backup} was loaded; changes after that backup are in the quarantined file.`],
    recovered: { kind: 'quarantined', reason, quarantinedTo: quarantined },
  };
}

/**
 * Decrypts `file`; if it fails authentication, falls back to the backup (which must open with the same key) and
 * quarantines the damaged file. A keyslot problem never reaches here: the key was already proven by its slot.
 */
export async function decryptOrRecover(
  paths: VaultPaths,
  clock: () => Date,
  file: VaultFile,
  dek: Key,
  macKey: Uint8Array,
  previous?: PreviousState,
): Promise<{ file: VaultFile; plain: Plain; warnings: string[]; recovered?: Loaded['recovered'] }> {
  try {
    return { file, plain: decryptVault(file, dek, macKey, previous), warnings: [] };
  } catch (err) {
    if (!isTokenwardenError(err) || err.code !== 'ERR_CORRUPT') throw err;
    let plain: Plain | undefined;
    const loaded = await recoverFromBackup(paths, err.message, clock, (backup) => {
      if (backup.vaultId !== file.vaultId || !keyMatches(backup, dek)) {
        throw new TokenwardenError('ERR_CORRUPT', 'The backup was written with a different key.');
      }
      plain = decryptVault(backup, dek, macKey);
    });
    if (!loaded.file || !plain) throw err;
    return { file: loaded.file, plain, warnings: loaded.warnings, recovered: loaded.recovered };
  }
}

/** Renames the file to `<name>.corrupt-<timestamp>`; never deletes it. */
export async function quarantine(path: string, clock: () => Date): Promise<string> {
  const stamp = clock().toISOString().replace(/[:.]/g, '-');
  for (let n = 0; ; n++) {
    const target = `${path}.corrupt-${stamp}${n ? `-${n}` : ''}`;
    if (await exists(target)) continue;
    await rename(path, target);
    return target;
  }
}

export async function readText(path: string): Promise<string | undefined> {
  // Decoding the whole buffer at once: readFile(path, 'utf8') goes through a chunked StringDecoder, 5x slower at 15 MB.
  return (await readBytes(path))?.toString('utf8');
}

async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
