import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { acceptPastedRedirect } from '../../../../electron/cli/login.ts';
import type { CliIo } from '../../../../electron/cli/io.ts';

function fakeIo() {
  const stdin = new PassThrough();
  const err: string[] = [];
  const io = { out: () => undefined, err: (t: string) => void err.push(t), stdin, isTty: true, color: false, env: {} } as unknown as CliIo;
  return { io, stdin, err };
}

const REDIRECT = 'http://127.0.0.1:40123/callback/AbCdEfGhIjKlMnOp';

describe('pasting the address the browser ended on (login over SSH)', () => {
  it('O2 forwards only addresses of this login’s redirect URI to the listener, which still checks the state', async () => {
    const { io, stdin, err } = fakeIo();
    const delivered: string[] = [];
    let answer = 400;
    const done = new Promise<void>((resolve) => {
      const stop = acceptPastedRedirect(io, REDIRECT, async (url) => {
        delivered.push(url);
        if (delivered.length === 2) {
          stop();
          resolve();
        }
        return answer;
      });
    });
    expect(err.join('')).toContain('paste the address');
    stdin.write('https://evil.example/callback/AbCdEfGhIjKlMnOp?code=x&state=y\n');
    stdin.write('http://127.0.0.1:40123/other?code=x\n');
    stdin.write('not a url\n');
    stdin.write(`${REDIRECT}?code=forged&state=guess\n`);
    await new Promise((r) => setImmediate(r));
    answer = 200;
    stdin.write(`  ${REDIRECT}?code=real&state=s&iss=https%3A%2F%2Fidp\n`);
    await done;
    expect(delivered).toEqual([`${REDIRECT}?code=forged&state=guess`, `${REDIRECT}?code=real&state=s&iss=https%3A%2F%2Fidp`]);
    const said = err.join('');
    expect(said.match(/not an address of this login/g)).toHaveLength(3);
    expect(said).toContain('belongs to another login; still waiting');
  });
});
