/** Opens a URL in the user's browser: `$BROWSER` when set (as gh does), otherwise the `open` package. */
import { spawn } from 'node:child_process';
import { splitArgv } from '../core/oauth/argv-split.ts';

/**
 * Resolves with a description of what was used once the opener has started; rejects when it cannot start.
 * The opener is not awaited to the end: a browser may run for hours, and the login ends at the redirect.
 */
export async function openInBrowser(url: string, env: NodeJS.ProcessEnv): Promise<string> {
  const custom = env.BROWSER?.trim();
  if (custom) {
    const [program, ...args] = splitArgv(custom);
    if (!program) throw new Error('$BROWSER is empty');
    // `%s` marks where the URL goes (the Python webbrowser convention); otherwise it is the last argument.
    const argv = args.some((a) => a.includes('%s')) ? args.map((a) => a.replaceAll('%s', url)) : [...args, url];
    await startDetached(program, argv, env);
    return `$BROWSER (${program})`;
  }
  const { default: open } = await import('open');
  const child = await open(url);
  // xdg-open reports a missing desktop only through its exit code; wait briefly so that reaches the user.
  const code = await new Promise<number | null>((resolve) => {
    const timer = setTimeout(() => resolve(0), 2000);
    timer.unref();
    child.once('exit', (c) => {
      clearTimeout(timer);
      resolve(c);
    });
  });
  if (code) throw new Error(`the system opener exited with code ${code}`);
  return 'your default browser';
}

function startDetached(program: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout/stderr stay the terminal's, so an opener's own error message reaches the user.
    const child = spawn(program, args, { stdio: ['ignore', 'inherit', 'inherit'], env });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}
