// Which Node can run Tokenwarden, and where the Node 24 that `npm ci` fetches for an older machine lives. Shared by
// bin/tokenwarden.js and scripts/with-node.js, so both draw the line in one place. Plain JavaScript with node:
// built-ins only: it must load on the old Node it judges.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';

/**
 * 22.19: undici 8 (the proxy's and the MCP server's HTTP client) needs it, one minor past unflagged type stripping
 * (22.18). On 23, type stripping came unflagged in 23.6.
 */
export const REQUIRED = [22, 19];
export const FETCHED_MAJOR = 24;
/** exitCodeFor('ERR_UNSUPPORTED_NODE') in shared/errors.ts, which plain JavaScript cannot import; a test keeps them equal. */
export const UNSUPPORTED_NODE_EXIT = 33;

export function isSuitable(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 6) || (major === REQUIRED[0] && minor >= REQUIRED[1]);
}

export function nodeCacheDir(env = process.env) {
  if (env.TOKENWARDEN_NODE_DIR) return env.TOKENWARDEN_NODE_DIR;
  const cache = env.XDG_CACHE_HOME || path.join(homedir(), '.cache');
  return path.join(cache, `tokenwarden-node${FETCHED_MAJOR}`);
}

export const nodeBinDir = (dir) => path.join(dir, 'node_modules', '.bin');

/** The fetched Node's executable when the cache holds one (not run: callers that need certainty check its version). */
export function cachedNode(env = process.env) {
  const node = path.join(nodeBinDir(nodeCacheDir(env)), 'node');
  return existsSync(node) ? node : undefined;
}
