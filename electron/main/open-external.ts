/** shell.openExternal behind an exact https origin allow-list: used only to send the user to an IdP login page (SECURITY E4). */
import type { TokenwardenApi } from '../../shared/contract.ts';

export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

/** Exact origin match; a prefix test would let `https://login.example.com.attacker.net` through. */
export function isAllowedExternalUrl(url: string, allowedOrigins: Iterable<string>): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return false;
  for (const allowed of allowedOrigins) {
    try {
      if (new URL(allowed).origin === parsed.origin) return true;
    } catch {
      // An unparsable allow-list entry allows nothing.
    }
  }
  return false;
}

export type AllowList = () => Iterable<string> | Promise<Iterable<string>>;

/** Returns an opener that resolves true when the URL was handed to the OS, false when it was refused. */
export function createOpenExternal(shell: ShellLike, allowList: AllowList): (url: string) => Promise<boolean> {
  return async (url) => {
    if (!isAllowedExternalUrl(url, await allowList())) return false;
    await shell.openExternal(url);
    return true;
  };
}

/** The allow-list: the origins of configured OAuth issuers plus any the user added in settings. */
export async function issuerOrigins(api: Pick<TokenwardenApi, 'list' | 'get'>, extra: Iterable<string> = []): Promise<Set<string>> {
  const origins = new Set<string>(extra);
  for (const summary of await api.list()) {
    if (summary.kind !== 'oauth') continue;
    const issuer = (await api.get(summary.name)).oauth?.issuer;
    if (!issuer) continue;
    try {
      origins.add(new URL(issuer).origin);
    } catch {
      // A stored issuer that is not a URL adds nothing.
    }
  }
  return origins;
}
