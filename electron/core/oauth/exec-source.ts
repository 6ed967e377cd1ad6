/** Runs an exec credential's command without a shell and reads a token from its stdout (argv rules: argv-split.ts). */
import { execFile } from 'node:child_process';
import { TokenwardenError } from '../base/errors.ts';
import { splitArgv } from './argv-split.ts';
import type { TokenResponseLike } from './token-set.ts';

export interface ExecSourceOptions {
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** stdout larger than this is refused; tokens are small. */
  maxBytes?: number;
}

/** Never handed to a token command: it unlocks the whole vault (S7). */
const WITHHELD_ENV = ['TOKENWARDEN_PASSPHRASE'];

/** The command's environment: the caller's (default: ours) minus the vault secrets. */
export function execEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env = { ...base };
  for (const key of WITHHELD_ENV) delete env[key];
  return env;
}

/** stdout is either a raw token (one line) or JSON `{ "access_token": "...", "expires_in": 3600 }`. */
export function parseExecOutput(stdout: string): TokenResponseLike {
  const text = stdout.trim();
  if (text.length === 0) throw new TokenwardenError('ERR_EXEC_FAILED', 'The token command printed nothing.');
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new TokenwardenError('ERR_EXEC_FAILED', 'The token command printed invalid JSON.');
    }
    const { access_token: accessToken, expires_in: expiresIn } = parsed as Record<string, unknown>;
    if (typeof accessToken !== 'string' || accessToken.length === 0) {
      throw new TokenwardenError('ERR_EXEC_FAILED', 'The token command printed JSON without access_token.');
    }
    if (expiresIn !== undefined && (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0)) {
      throw new TokenwardenError('ERR_EXEC_FAILED', 'The token command printed an invalid expires_in.');
    }
    return { access_token: accessToken, ...(expiresIn !== undefined ? { expires_in: expiresIn } : {}) };
  }
  if (/\s/.test(text)) throw new TokenwardenError('ERR_EXEC_FAILED', 'The token command printed more than one word.');
  return { access_token: text };
}

export function runExecSource(command: string, options: ExecSourceOptions = {}): Promise<TokenResponseLike> {
  const [file, ...args] = splitArgv(command);
  const timeoutMs = options.timeoutMs ?? 30_000;
  return new Promise((resolve, reject) => {
    execFile(
      file!,
      args,
      { shell: false, timeout: timeoutMs, maxBuffer: options.maxBytes ?? 64 * 1024, env: execEnv(options.env), windowsHide: true, encoding: 'utf8' },
      (error, stdout) => {
        if (error) {
          // Never quote stdout or stderr: either may hold a token.
          const e = error as NodeJS.ErrnoException & { killed?: boolean; signal?: string | null; code?: unknown };
          let why: string;
          if (e.killed && e.signal) why = `timed out after ${timeoutMs} ms`;
          else if (e.code === 'ENOENT') why = `${file} was not found`;
          else if (e.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') why = 'printed too much output';
          else if (typeof e.code === 'number') why = `exited with code ${e.code}`;
          else why = e.signal ? `was killed by ${e.signal}` : 'could not be run';
          reject(new TokenwardenError('ERR_EXEC_FAILED', `The token command ${why}.`));
          return;
        }
        try {
          resolve(parseExecOutput(stdout));
        } catch (err) {
          reject(err);
        }
      },
    );
  });
}
