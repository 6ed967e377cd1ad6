/**
 * `tkw login NAME`: runs the owner's interactive grant and does the user's side of it. The owner (maybe a
 * daemon started elsewhere) announces the authorization URL; this process, which runs in the user's terminal,
 * prints it and opens the browser, so it works the same in-process, against a daemon, and over SSH.
 */
import { createInterface } from 'node:readline';
import type { AppEvent, CredentialSummary, LoginPrompt } from '../../shared/model.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { openInBrowser } from './browser.ts';
import type { CliIo } from './io.ts';
import type { Session } from './session.ts';

export interface LoginOptions {
  /** false: only print the URL (`--no-browser`). */
  browser: boolean;
  /** Injected for tests; defaults to $BROWSER or the `open` package. */
  open?: (url: string, env: NodeJS.ProcessEnv) => Promise<string>;
}

type Authorize = Extract<AppEvent, { type: 'authorize' }>;

export async function runLogin(session: Session, name: string, io: CliIo, options: LoginOptions): Promise<CredentialSummary> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  let stopPaste: (() => void) | undefined;
  const stop = await session.onEvent((event) => {
    if (event.type === 'login' && event.prompt.name === name) io.err(describeDevicePrompt(event.prompt));
    if (event.type === 'authorize' && event.name === name && !stopPaste) {
      stopPaste = io.stdin.isTTY ? acceptPastedRedirect(io, event.redirectUri) : () => undefined;
      void handOver(event, io, options);
    }
  });
  try {
    return await session.login(name, controller.signal);
  } catch (err) {
    if (controller.signal.aborted) throw new TokenwardenError('ERR_CANCELLED', `The login of ${name} was cancelled.`);
    throw err;
  } finally {
    stop();
    stopPaste?.();
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}

/** The URL is always printed: the browser may be on another machine, or may not open at all. */
async function handOver(event: Authorize, io: CliIo, options: LoginOptions): Promise<void> {
  io.err(`\n  To log in to ${event.name}, open this URL in a browser:\n\n  ${event.url}\n\n`);
  if (event.opened) return void io.err('  The Tokenwarden app opened it in your browser.\n');
  if (!options.browser) return void io.err('  Waiting for the login (Ctrl-C cancels)…\n');
  try {
    const how = await (options.open ?? openInBrowser)(event.url, io.env);
    io.err(`  Opened it with ${how}. Waiting for the login (Ctrl-C cancels)…\n`);
  } catch (err) {
    io.err(`  Could not open a browser (${(err as Error).message}); open the URL yourself. Waiting (Ctrl-C cancels)…\n`);
  }
}

/**
 * Over SSH the browser runs on another machine and cannot reach this machine's 127.0.0.1. After the login it
 * lands on an address that fails to load; pasting that address here delivers it to the waiting listener, which
 * still checks the state (O2). Only addresses of this login's redirect URI are forwarded.
 */
export function acceptPastedRedirect(io: CliIo, redirectUri: string, deliver: (url: string) => Promise<number> = getStatus): () => void {
  const expected = new URL(redirectUri);
  io.err(`  If the browser runs on another machine, paste the address it ends on (${expected.origin}${expected.pathname}?…) here.\n`);
  // terminal:false keeps the tty in cooked mode, so Ctrl-C still raises SIGINT.
  const rl = createInterface({ input: io.stdin, terminal: false });
  rl.on('line', (line) => {
    const url = parseRedirect(line.trim(), expected);
    if (!url) {
      if (line.trim()) io.err(`  That is not an address of this login (expected ${expected.origin}${expected.pathname}?code=…).\n`);
      return;
    }
    deliver(url).then(
      (status) => {
        if (status === 400) io.err('  That address belongs to another login; still waiting.\n');
      },
      () => undefined,
    );
  });
  return () => rl.close();
}

function parseRedirect(text: string, expected: URL): string | undefined {
  try {
    const url = new URL(text);
    return url.origin === expected.origin && url.pathname === expected.pathname ? url.href : undefined;
  } catch {
    return undefined;
  }
}

async function getStatus(url: string): Promise<number> {
  const response = await fetch(url);
  await response.body?.cancel();
  return response.status;
}

function describeDevicePrompt(p: LoginPrompt): string {
  return [
    '',
    `  To sign in, open ${p.verificationUri}`,
    `  and enter the code:  ${p.userCode}`,
    p.verificationUriComplete ? `  (or open ${p.verificationUriComplete})` : '',
    `  The code expires at ${p.expiresAt}. Waiting (Ctrl-C cancels)…`,
    '',
  ]
    .filter((l, i, all) => l !== '' || i === 0 || i === all.length - 1)
    .join('\n');
}
