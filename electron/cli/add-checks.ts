/**
 * What `tkw add` can check before anything is stored, so a mistake is reported at add time instead of at
 * the first proxied request or login: an empty paste, a pasted `Bearer ` prefix, an already-expired JWT, an
 * --exec program that does not exist (and, with consent on a terminal, a dry run of it), an issuer whose
 * discovery document does not load.
 */
import { MESSAGES } from '../../shared/human-messages.ts';
import { stripBearerPrefix } from '../../shared/bearer.ts';
import { expiryText } from '../../shared/relative-time.ts';
import { inspectJwt } from '../core/credentials/jwt-inspect.ts';
import { splitArgv } from '../core/oauth/argv-split.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { OAuthDiscovery } from '../core/oauth/discovery.ts';
import { warnLine } from './fail.ts';
import { confirm, type CliIo } from './io.ts';
import { findProgram } from './which.ts';

/** Strips `Bearer ` and says so; warns when a JWT's `exp` is already past (the add still succeeds). */
export function checkPastedToken(pasted: string, io: CliIo, now = Date.now()): string {
  // `echo "$UNSET" | tkw add …` pipes one empty line: the likely cause is worth more than the schema's rule.
  if (pasted === '') throw new TokenwardenError('ERR_INVALID_INPUT', io.stdin.isTTY ? MESSAGES.tokenEmptyTyped : MESSAGES.tokenEmptyPiped);
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

export interface IssuerCheck {
  issuer: string;
  grant: 'auth-code' | 'device';
  allowInsecureLoopback: boolean;
}

/** The endpoint each interactive grant needs from the discovery document (RFC 8414 §2, RFC 8628 §4). */
const NEEDED_ENDPOINT = { 'auth-code': 'authorization_endpoint', device: 'device_authorization_endpoint' } as const;

/**
 * The issuer's discovery document must load and pass O4 now (exact issuer, https endpoints), and offer the
 * grant's endpoint, so a typo'd issuer fails at add with nothing stored instead of at the first login.
 */
export async function checkIssuer(check: IssuerCheck, options: { fetch?: typeof fetch } = {}): Promise<void> {
  const discovery = new OAuthDiscovery(options.fetch ? { fetch: options.fetch } : {});
  const metadata = await discovery.metadata(check.issuer, check.allowInsecureLoopback);
  const field = NEEDED_ENDPOINT[check.grant];
  if (typeof metadata[field] !== 'string') {
    const other = check.grant === 'device' ? 'auth-code' : 'device';
    const hint = typeof metadata[NEEDED_ENDPOINT[other]] === 'string' ? `; try --grant ${other}` : '';
    throw new TokenwardenError('ERR_INVALID_INPUT', `The identity provider at ${check.issuer} lists no ${field}, so it does not offer --grant ${check.grant}${hint}.`);
  }
}
