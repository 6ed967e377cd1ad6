/** Where Tokenwarden keeps its data: TOKENWARDEN_HOME or the platform config dir, always mode 0700 (SECURITY S4). */
import { mkdirSync, statSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, posix, resolve as resolvePath, win32 } from 'node:path';
import { TokenwardenError } from './errors.ts';

export const APP_DIR_NAME = 'tokenwarden';

export interface DataDirContext {
  platform?: NodeJS.Platform;
  homedir?: string;
}

/** Resolves the data dir without touching the disk. */
export function resolveDataDir(env: NodeJS.ProcessEnv = process.env, context: DataDirContext = {}): string {
  const explicit = env.TOKENWARDEN_HOME?.trim();
  if (explicit) return explicit;
  const platform = context.platform ?? process.platform;
  const home = context.homedir ?? homedir();
  if (platform === 'win32') {
    const appData = env.APPDATA?.trim() || win32.join(home, 'AppData', 'Roaming');
    return win32.join(appData, APP_DIR_NAME);
  }
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  const xdg = env.XDG_CONFIG_HOME?.trim();
  // XDG says relative values are invalid and must be ignored.
  const base = xdg && xdg.startsWith('/') ? xdg : join(home, '.config');
  return posix.join(base, APP_DIR_NAME);
}

/**
 * The variables that choose the data dir, made absolute, for a process started elsewhere (an agent host's MCP
 * server) that must open the same one: TOKENWARDEN_HOME when set, else an absolute XDG_CONFIG_HOME.
 */
export function dataDirEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const explicit = env.TOKENWARDEN_HOME?.trim();
  if (explicit) return { TOKENWARDEN_HOME: resolvePath(explicit) };
  const xdg = env.XDG_CONFIG_HOME?.trim();
  return xdg && isAbsolute(xdg) ? { XDG_CONFIG_HOME: xdg } : {};
}

/** Creates the dir (and parents) 0700, tightens an existing one, and refuses a path that is a file. */
export function ensureDataDir(dir: string): string {
  const existing = statOrUndefined(dir);
  if (existing && !existing.isDirectory()) {
    throw new TokenwardenError('ERR_INVALID_INPUT', `The data directory ${dir} exists but is not a directory.`);
  }
  if (!existing) {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR' || code === 'EEXIST') {
        throw new TokenwardenError('ERR_INVALID_INPUT', `The data directory ${dir} cannot be created: part of its path is a file.`);
      }
      throw err;
    }
  }
  // mkdir's mode is filtered by the umask and ignored for an existing dir, so set it explicitly.
  if (process.platform !== 'win32') chmodSync(dir, 0o700);
  return dir;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    if ((err as NodeJS.ErrnoException).code === 'ENOTDIR') {
      throw new TokenwardenError('ERR_INVALID_INPUT', `The data directory ${path} cannot be used: part of its path is a file.`);
    }
    throw err;
  }
}
