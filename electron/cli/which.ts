/** Finds a program the way execvp does (a path with a slash as is, else each PATH entry), without running it. */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findProgram(file: string, env: NodeJS.ProcessEnv): string | null {
  const candidates = file.includes('/') || file.includes('\\') ? [file] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, file));
  const exts = process.platform === 'win32' ? ['', ...(env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : [''];
  for (const base of candidates) {
    for (const ext of exts) {
      const path = base + ext;
      try {
        if (!statSync(path).isFile()) continue;
        accessSync(path, constants.X_OK);
        return path;
      } catch {
        // Not here; keep looking.
      }
    }
  }
  return null;
}
