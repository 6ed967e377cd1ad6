/**
 * What `tkw add` can check before anything is stored, so a mistake is reported at add time instead of at
 * the first proxied request: a pasted `Bearer ` prefix, an already-expired JWT, an --exec program that
 * does not exist (and, with consent on a terminal, a dry run of it).
 */
import { MESSAGES } from '../../shared/human-messages.ts';
import { stripBearerPrefix } from '../../shared/bearer.ts';
import { expiryText } from '../../shared/relative-time.ts';
import { inspectJwt } from '../core/credentials/jwt-inspect.ts';
import { splitArgv } from '../core/oauth/argv-split.ts';
import { TokenwardenError } from '../core/errors.ts';
import { warnLine } from './fail.ts';
import { confirm, type CliIo } from './io.ts';
import { findProgram } from './which.ts';

/** Strips `Bearer ` and says so; warns when a JWT's `exp` is already past (the add still succeeds). */
export function checkPastedToken(pasted: string, io: CliIo, now = Date.now()): string {
  const { token, stripped } = stripBearerPrefix(pasted);
  if (stripped) io.err(warnLine(MESSAGES.bearerStripped));
  const expiresAt = inspectJwt(token)?.expiresAt;
  if (expiresAt && Date.parse(expiresAt) <= now) io.err(warnLine(MESSAGES.jwtExpired(expiryText(expiresAt, now).replace(/^expired /, ''))));
  return token;
}

/** The program must exist now; on a terminal the user may also run it once to see that it prints a token. */
export async function checkExecCommand(command: string, io: CliIo): Promise<void> {
  const [program] = splitArgv(command);
  if (!program || !findProgram(program, io.env)) throw new TokenwardenError('ERR_INVALID_INPUT', MESSAGES.execProgramMissing(program ?? ''));
  if (!io.stdin.isTTY || !io.isTty) return;
  if (!(await confirm(`Run \`${command}\` once now to check that it prints a token?`, io))) return;
  const { runExecSource } = await import('../core/oauth/exec-source.ts');
  const result = await runExecSource(command, { env: io.env });
  const expires = result.expires_in === undefined ? 'no expiry' : `expires in ${result.expires_in}s`;
  io.err(`It printed a token ending …${result.access_token.slice(-4)} (${expires}).\n`);
}
