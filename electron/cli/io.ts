/** Terminal I/O for the CLI: stdout/stderr writers, colour rules and secret input that never touches argv. */
import { createInterface } from 'node:readline';
import { TokenwardenError } from '../core/base/errors.ts';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  stdin: NodeJS.ReadStream;
  isTty: boolean;
  color: boolean;
  env: NodeJS.ProcessEnv;
}

export function processIo(): CliIo {
  const isTty = Boolean(process.stdout.isTTY);
  // `tkw add --help | head`: once the reader has gone, further output has nowhere to go. The command still ends
  // the orderly way (a daemon still flushes its vault), instead of dying on an unhandled EPIPE with a stack trace.
  const gone = new Set<NodeJS.WriteStream>();
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      gone.add(stream);
    });
  }
  const write = (stream: NodeJS.WriteStream, text: string) => void (gone.has(stream) || stream.write(text));
  return {
    out: (text) => write(process.stdout, text),
    err: (text) => write(process.stderr, text),
    stdin: process.stdin,
    isTty,
    // https://no-color.org: any non-empty NO_COLOR disables colour; pipes never get colour.
    color: isTty && !process.env.NO_COLOR,
    env: process.env,
  };
}

const MAX_STDIN_BYTES = 64 * 1024;

/** Reads all of stdin (bounded) and splits it into lines; secrets are piped, e.g. `pbpaste | tkw add …`. */
export async function readStdinLines(stdin: NodeJS.ReadStream): Promise<string[]> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stdin) {
    const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buf.length;
    if (size > MAX_STDIN_BYTES) throw new TokenwardenError('ERR_INVALID_INPUT', 'Standard input is larger than 64 KiB.');
    chunks.push(buf);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  // One trailing newline is what `echo` and editors add; anything else stays and is validated.
  return text.replace(/\r?\n$/, '').split(/\r?\n/);
}

/** A prompt that does not echo what is typed (TTY only). */
export async function promptHidden(question: string, io: CliIo): Promise<string> {
  if (!io.stdin.isTTY) throw new TokenwardenError('ERR_USAGE', 'No terminal to prompt on; pipe the secret on stdin instead.');
  const rl = createInterface({ input: io.stdin, output: process.stderr, terminal: true });
  const output = rl as unknown as { _writeToOutput: (s: string) => void };
  let prompted = false;
  output._writeToOutput = (s: string) => {
    // Print the question once, then swallow the echo of every keystroke.
    if (!prompted) {
      prompted = true;
      process.stderr.write(s);
    }
  };
  try {
    return await new Promise<string>((resolve, reject) => {
      // A raw-mode tty turns Ctrl-C into a keypress: cancel the prompt and raise the signal, so whoever
      // handles SIGINT (the daemon's shutdown, a login's cancel, or the default exit) still runs.
      rl.once('SIGINT', () => {
        reject(new TokenwardenError('ERR_CANCELLED', 'Cancelled at the prompt.'));
        process.kill(process.pid, 'SIGINT');
      });
      rl.question(question, resolve);
    });
  } finally {
    rl.close();
    process.stderr.write('\n');
  }
}

export async function confirm(question: string, io: CliIo): Promise<boolean> {
  const rl = createInterface({ input: io.stdin, output: process.stderr, terminal: io.isTty });
  try {
    const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}
