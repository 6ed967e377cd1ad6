/**
 * Text a client chose reaches `tkw audit` and `tkw alerts` escaped: a request through the real proxy with
 * `X-Tokenwarden-Client: cli<U+009B>2K` (the 8-bit CSI; `2K` erases the line), from a program whose path holds the
 * CSI and a right-to-left override. The header is cleaned before it is stored; the path is stored as the OS gives
 * it and escaped when printed.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, copyFileSync, linkSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertItem } from '../../../shared/audit-model.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const { setup, daemon, cleanups } = useCliHomes();
let upstream: TestUpstream;

beforeEach(async () => {
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
});

/** C0 but the newline between rows, DEL, C1, and the bidi embeddings, overrides and isolates. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const TRICK = '\u009b2K\u202e';

/** The client: one GET per line on stdin, on one kept-alive connection, printing each status. */
const CLIENT_SCRIPT = `
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (path) => {
  const headers = { 'x-tokenwarden-key': process.env.KEY, 'x-tokenwarden-client': 'cli\\u009b2K' };
  const req = http.request({ host: '127.0.0.1', port: Number(process.env.PORT), path, agent, headers }, (res) => {
    res.resume();
    res.on('end', () => console.log(res.statusCode));
  });
  req.on('error', (err) => console.log('error ' + err.message));
  req.end();
});
lines.on('close', () => agent.destroy());
`;

/**
 * The node binary under a path holding the CSI and an override: a hard link, since /proc/PID/exe names the link
 * (a symlink would resolve to the real path), or a copy where the temp dir is on another filesystem.
 */
function trickyNode(cli: CliEnv): string {
  const dir = join(cli.home, `bin${TRICK}`);
  mkdirSync(dir);
  const path = join(dir, `node${TRICK}`);
  try {
    linkSync(realpathSync(process.execPath), path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    copyFileSync(realpathSync(process.execPath), path);
    chmodSync(path, 0o755);
  }
  return path;
}

function startClient(exe: string, port: number, key: string): { child: ChildProcess; get: (path: string) => Promise<string> } {
  const child = spawn(exe, ['-e', CLIENT_SCRIPT], { env: { PORT: String(port), KEY: key }, stdio: ['pipe', 'pipe', 'inherit'] });
  cleanups.push(() => {
    child.kill();
  });
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => waiting.shift()?.(line));
  return {
    child,
    get: (path) =>
      new Promise<string>((resolve) => {
        waiting.push(resolve);
        child.stdin!.write(`${path}\n`);
      }),
  };
}

describe('client-chosen text on the terminal', () => {
  it('L2 a CSI in X-Tokenwarden-Client and in the program path reaches neither tkw audit nor tkw alerts raw: the header is cleaned, the path escaped', async () => {
    const cli = setup();
    expect((await cli.run(['add', 'api', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: 'tkw-escape-token' })).code).toBe(0);
    const d = await daemon(cli);
    const key = (await cli.run(['proxy-env', 'api'])).stdout.match(/api:([A-Za-z0-9_-]+)@/)![1]!;
    const exe = trickyNode(cli);
    const client = startClient(exe, d.port, key);
    // Requests on the one open connection until the owner has attributed one to the program (its /proc lookup).
    const attributed = async () => (await cli.run(['audit', '--json', '--name', 'api', '--limit', '0'])).stdout.includes('"exe":');
    await expect
      .poll(
        async () => {
          expect(await client.get('/api/escape')).toBe('200');
          return attributed();
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
    await expect.poll(async () => (await cli.run(['alerts'])).stdout, { timeout: 10_000 }).toContain('new-client');

    // Stored as given, but for the header, which is cleaned like an MCP client's name.
    const stored = (await cli.run(['audit', '--json', '--name', 'api', '--limit', '0'])).stdout;
    expect(stored).toContain('"name":"cli_2K"');
    const alerts = z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout));
    expect(alerts.find((a) => a.kind === 'new-client')!.message).toContain(exe);

    for (const args of [['audit'], ['alerts']]) {
      const { code, stdout } = await cli.run(args);
      expect(code).toBe(0);
      expect(stdout).not.toMatch(CONTROL);
      expect(stdout).toContain('cli_2K');
      expect(stdout).toContain('node\\u{009B}2K\\u{202E}');
    }
    expect((await cli.run(['alerts'])).stdout).toContain(`bin\\u{009B}2K\\u{202E}/node\\u{009B}2K\\u{202E}`);
    client.child.stdin!.end();
  }, 90_000);
});
