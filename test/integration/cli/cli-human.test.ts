/** The CLI speaks human: bad input gets the shared sentences, `add` refuses or warns at once, small commands tell the truth. */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { MESSAGES } from '../../../shared/human-messages.ts';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { makeTlsMaterial } from '../../fixtures/proxy-upstream.ts';

let cli: CliEnv;
beforeAll(() => {
  cli = cliEnv();
});
afterAll(() => cli.cleanup());

const jwt = (claims: Record<string, unknown>): string => {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.c2ln`;
};

/** No zod path like `0: Invalid input` or `1.token:` ever reaches the user. */
function expectHuman(stderr: string): void {
  expect(stderr).not.toMatch(/\b\d+(\.\w+)*: /);
  expect(stderr).not.toMatch(/Invalid input|expected string|received/);
}

describe('human validation messages (shared/human-messages.ts)', () => {
  it.each([
    [['add', 'x1', '--host', 'api.example.com', '--token-stdin'], 'abc', MESSAGES.notAnOrigin('api.example.com')],
    [['add', 'x2', '--host', 'https://api.example.com', '--token-stdin'], 'two words', MESSAGES.tokenNotPrintable],
    [['add', 'Bad Name', '--host', 'https://api.example.com', '--token-stdin'], 'abc', MESSAGES.nameRule],
    [['add', 'x3', '--host', 'https://x.example', '--issuer', 'not-a-url', '--client-id', 'c', '--grant', 'device'], '', MESSAGES.issuerNotUrl],
    [['add', 'x4', '--host', 'http://api.example.com', '--token-stdin'], 'abc', MESSAGES.plainHttpRemote('http://api.example.com')],
  ])('%j is refused with the shared sentence', async (args, input, message) => {
    const result = await cli.run(args, { input });
    expect(result.code).toBe(exitCodeFor('ERR_INVALID_INPUT'));
    expect(result.stderr).toBe(`tokenwarden: ${message} (ERR_INVALID_INPUT)\n`);
    expectHuman(result.stderr);
  });
});

describe('add refuses or warns now, not later', () => {
  it('P5 requires --allow-insecure-loopback for an http:// loopback host', async () => {
    const refused = await cli.run(['add', 'loop', '--host', 'http://127.0.0.1:9', '--token-stdin'], { input: 'abcdef' });
    expect(refused.stderr).toBe(`tokenwarden: ${MESSAGES.plainHttpLoopback('http://127.0.0.1:9')} (ERR_INVALID_INPUT)\n`);
    const allowed = await cli.run(['add', 'loop', '--host', 'http://127.0.0.1:9', '--allow-insecure-loopback', '--token-stdin'], { input: 'abcdef' });
    expect(allowed.code, allowed.stderr).toBe(0);
  });

  it('strips a pasted "Bearer " prefix and says so', async () => {
    const result = await cli.run(['add', 'pasted', '--host', 'https://api.example.com', '--token-stdin'], { input: 'Bearer tok_abcdef123\n' });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(MESSAGES.bearerStripped);
    expect((await cli.run(['token', 'pasted'])).stdout).toBe('tok_abcdef123\n');
  });

  it('warns on an already-expired JWT, and still stores it', async () => {
    const token = jwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) - 7200 });
    const result = await cli.run(['add', 'old-jwt', '--host', 'https://api.example.com', '--token-stdin'], { input: token });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/warning: This JWT already expired 2h( \d+m)? ago/);
    const fresh = await cli.run(['add', 'new-jwt', '--host', 'https://api.example.com', '--token-stdin'], { input: jwt({ sub: 'u', exp: Math.floor(Date.now() / 1000) + 3600 }) });
    expect(fresh.stderr).toBe('');
  });

  it('P11 --upstream-ca stores a PEM CA with the credential and refuses a file that is not one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tkw-ca-'));
    writeFileSync(join(dir, 'bad.pem'), 'not a certificate');
    writeFileSync(join(dir, 'ca.pem'), (await makeTlsMaterial(['127.0.0.1'])).caPem);
    const bad = await cli.run(['add', 'private', '--host', 'https://internal.example', '--upstream-ca', join(dir, 'bad.pem'), '--token-stdin'], { input: 'abcdef' });
    expect(bad.stderr).toBe(`tokenwarden: ${MESSAGES.caNotPem} (ERR_INVALID_INPUT)\n`);
    const good = await cli.run(['add', 'private', '--host', 'https://internal.example', '--upstream-ca', join(dir, 'ca.pem'), '--token-stdin'], { input: 'abcdef' });
    expect(good.code, good.stderr).toBe(0);
  });

  it('refuses an --exec program that does not exist', async () => {
    const result = await cli.run(['add', 'ghost', '--host', 'https://api.example.com', '--exec', 'tkw-no-such-program --flag']);
    expect(result.stderr).toBe(`tokenwarden: ${MESSAGES.execProgramMissing('tkw-no-such-program')} (ERR_INVALID_INPUT)\n`);
    expect((await cli.run(['show', 'ghost'])).code).toBe(exitCodeFor('ERR_NOT_FOUND'));
  });
});

describe('smaller CLI promises', () => {
  it('exec exits 127 when the program is missing', async () => {
    await cli.run(['add', 'envtok', '--host', 'https://api.example.com', '--token-stdin'], { input: 'tok_for_env_1234' });
    const result = await cli.run(['exec', 'envtok', '--env-token', 'T', '--', 'tkw-no-such-program']);
    expect(result.code).toBe(127);
    expect(result.stderr).toContain('"tkw-no-such-program" was not found');
  });

  it('exec hints at -- when the command has options and -- was forgotten', async () => {
    const result = await cli.run(['exec', 'envtok', 'curl', '-sS', 'https://api.example.com']);
    expect(result.code).toBe(exitCodeFor('ERR_USAGE'));
    expect(result.stderr).toContain('Put -- before the command');
    expect(result.stderr).toContain('tkw exec envtok -- curl -sS https://api.example.com');
  });

  it('ca --path works without a daemon', async () => {
    const result = await cli.run(['ca', '--path']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${join(cli.env.TOKENWARDEN_HOME!, 'ca.pem')}\n`);
    if (!existsSync(result.stdout.trim())) expect(result.stderr).toContain('does not exist yet');
  });
});

describe('with a running daemon', () => {
  let d: CliEnv;
  let daemon: DaemonHandle;
  beforeAll(async () => {
    d = cliEnv();
    daemon = await startDaemon(d);
    expect((await d.run(['add', 'first', '--host', 'https://one.example', '--token-stdin'], { input: 'tok_first_123456' })).code).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await daemon.stop();
    d.cleanup();
  });

  it('P11 status shows the fingerprint of the CA file the owner wrote; binding a new host says the CA was re-issued', async () => {
    const path = (await d.run(['ca', '--path'])).stdout.trim();
    const pem = readFileSync(path, 'utf8');
    const status = await d.run(['status']);
    expect(status.stdout).toContain(`SHA256 ${new X509Certificate(pem).fingerprint256}`);
    const added = await d.run(['add', 'second', '--host', 'https://two.example', '--token-stdin'], { input: 'tok_second_123456' });
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain('re-issued the Tokenwarden CA');
    expect(readFileSync(path, 'utf8')).not.toBe(pem);
    const again = await d.run(['add', 'third', '--host', 'https://two.example', '--token-stdin'], { input: 'tok_third_1234567' });
    expect(again.stderr).not.toContain('re-issued');
  });

  it('proxy-key --print prints the key that proxy-env uses', async () => {
    const printed = await d.run(['proxy-key', '--print']);
    const env = JSON.parse((await d.run(['proxy-env', 'first', '--json'])).stdout) as Record<string, string>;
    expect(printed.stdout.trim()).toBe(decodeURIComponent(new URL(env.HTTP_PROXY!).password));
  });

  it('refresh on a static token says there is nothing to refresh', async () => {
    const result = await d.run(['refresh', 'first']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('nothing to refresh');
  });

  it('revoke --yes skips the question (stdin is not a terminal here)', async () => {
    const result = await d.run(['revoke', 'third', '--yes']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('deleted locally');
  });
});
