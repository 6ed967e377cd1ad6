/** docs/SOURCES.md: an --exec script that prints {"access_token","expires_in"} is read as token plus expiry. */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';

const TOKEN = 'tkwcanary_exec_json_4f8a2c';
let cli: CliEnv;
beforeAll(() => {
  cli = cliEnv();
});
afterAll(() => cli.cleanup());

describe('--exec sources', () => {
  it('the JSON variant gives the token and its expiry; the bare variant gives the token with no expiry', async () => {
    const json = join(cli.home, 'issue-token');
    writeFileSync(json, `#!${process.execPath}\nprocess.stdout.write(JSON.stringify({ access_token: '${TOKEN}', expires_in: 3600, token_type: 'Bearer' }));\n`);
    const bare = join(cli.home, 'bare-token');
    writeFileSync(bare, `#!${process.execPath}\nconsole.log('${TOKEN}_bare');\n`);
    chmodSync(json, 0o700);
    chmodSync(bare, 0o700);
    expect((await cli.run(['add', 'internal', '--host', 'https://api.internal.example', '--exec', json])).code).toBe(0);
    expect((await cli.run(['token', 'internal'])).stdout).toBe(`${TOKEN}\n`);
    const detail = JSON.parse((await cli.run(['show', 'internal', '--json'])).stdout) as { expiresAt: string; status: string };
    const left = Date.parse(detail.expiresAt) - Date.now();
    expect(left).toBeGreaterThan(3000_000);
    expect(left).toBeLessThanOrEqual(3600_000);
    expect(detail.status).toBe('valid');
    expect((await cli.run(['add', 'bare', '--host', 'https://api.internal.example', '--exec', bare])).code).toBe(0);
    expect((await cli.run(['token', 'bare'])).stdout).toBe(`${TOKEN}_bare\n`);
  });
});
