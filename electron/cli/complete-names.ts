/**
 * Credential names for shell completion (`tkw __complete names`), asked of a running owner only. A completion
 * runs inside the user's prompt on every TAB: it must be quick, and it must never prompt for a passphrase,
 * open the vault in-process (that would wait on the owner lock) or print an error. So without an owner, with
 * a locked vault, or on any failure there are simply no names.
 */
import { resolveDataDir } from '../core/base/data-dir.ts';
import { readOwnerLock } from '../core/vault/owner-lock.ts';

/** A TAB that waits longer than this feels broken; an owner that slow gets no completion. */
const BUDGET_MS = 1000;

export async function ownerCredentialNames(env: NodeJS.ProcessEnv): Promise<string[]> {
  try {
    const owner = readOwnerLock(resolveDataDir(env));
    if (!owner || owner.role === 'cli' || !owner.socketPath) return [];
    const { connectControl, createControlApi } = await import('../core/control/index.ts');
    const client = await connectControl(owner.socketPath, { timeoutMs: BUDGET_MS });
    let timer: NodeJS.Timeout | undefined;
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), BUDGET_MS);
      });
      const list = await Promise.race([createControlApi(client).list(), timeout]);
      return list.map((summary) => summary.name);
    } finally {
      clearTimeout(timer);
      client.close();
    }
  } catch {
    return [];
  }
}
