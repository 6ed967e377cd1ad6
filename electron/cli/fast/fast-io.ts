/** The output side of electron/cli/io.ts for the fast path: no stdin, which costs a stream to set up. */

/** The part of CliIo (electron/cli/io.ts) the fast commands use. */
export interface FastIo {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
  env: NodeJS.ProcessEnv;
}

/** processIo's rules, so both paths decide colour alike: https://no-color.org, and pipes never get colour. */
export function fastProcessIo(): FastIo {
  const isTty = Boolean(process.stdout.isTTY);
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    color: isTty && !process.env.NO_COLOR,
    env: process.env,
  };
}

/** printJson of electron/cli/context.ts, which would bring the session code along. */
export function printJson(io: FastIo, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}
