/** R2: every time the vault falls back to its `.bak`, one event that the CLI, status, notifications and audit all hear. */
import { readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';


export interface VaultRecovery {
  /** `quarantined`: a damaged vault.json was moved aside; `restored-missing`: vault.json was gone and .bak was copied back. */
  kind: 'quarantined' | 'restored-missing';
  at: string;
  /** Why the main file was refused (no secret: parse, MAC or GCM failures only). */
  reason: string;
  /** Where the damaged file now is; it is never deleted. */
  quarantinedTo: string | null;
  backupPath: string;
  /**
   * Credentials whose refresh token in the backup is older than the one lost with the damaged file, by name
   * (or `id …` for one created after the backup). `null` when the damaged file was unreadable, so nobody can tell.
   */
  staleRefreshTokens: string[] | null;
  /** One human paragraph: what happened, where the damaged file is, and what to do. */
  message: string;
}

export type RecoveryListener = (recovery: VaultRecovery) => void;

/** Keeps every recovery of this process and replays them to late subscribers (the vault recovers before anyone listens). */
export class RecoveryLog {
  readonly #history: VaultRecovery[] = [];
  readonly #listeners = new Set<RecoveryListener>();

  get size(): number {
    return this.#history.length;
  }

  record(recovery: VaultRecovery): void {
    this.#history.push(recovery);
    for (const listener of this.#listeners) safely(listener, recovery);
  }

  subscribe(listener: RecoveryListener, options: { replay?: boolean } = {}): () => void {
    if (options.replay !== false) for (const past of this.#history) safely(listener, past);
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function safely(listener: RecoveryListener, recovery: VaultRecovery): void {
  try {
    listener(recovery);
  } catch {
    // A broken listener (a closed terminal, a full audit disk) must not undo a recovery that already happened.
  }
}

/** The sentence about refresh tokens that follows the recovery notice. */
export function describeStaleRefreshTokens(stale: string[] | null): string {
  if (stale === null) {
    return 'The damaged file could not be read, so Tokenwarden cannot tell whether the backup holds older refresh tokens; a credential that refreshed after the backup may need `tkw login NAME`.';
  }
  if (stale.length === 0) return 'No refresh token was lost: the backup holds the same refresh tokens.';
  return `The backup holds an OLDER refresh token than the one lost for: ${stale.join(', ')}. If the identity provider rotates refresh tokens it will refuse the old one; then run \`tkw login NAME\`.`;
}

/** Quarantined copies are never deleted for the user, so `status` keeps naming them until the user has looked. */
export function quarantineNotices(vaultPath: string): string[] {
  const dir = dirname(vaultPath);
  const prefix = `${basename(vaultPath)}.corrupt-`;
  let names: string[];
  try {
    names = readdirSync(dir).filter((name) => name.startsWith(prefix));
  } catch {
    return [];
  }
  return names.sort().map((name) => `A damaged vault file is kept at ${join(dir, name)}; it may hold changes newer than the backup. Remove it once you have checked it.`);
}
