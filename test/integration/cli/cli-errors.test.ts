import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';

const CANARY = 'tkwcanary_9f2c1e7d5b3a4c6e8f0a';
let cli: CliEnv;

beforeAll(async () => {
  cli = cliEnv();
  const added = await cli.run(['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { input: `${CANARY}\n` });
  expect(added.code).toBe(0);
});
afterAll(() => cli.cleanup());

/** Every failure is exactly one stderr line `tokenwarden: <message> (<CODE>)` and the mapped exit code. */
function expectFailure(result: { code: number | null; stderr: string; stdout: string }, code: Parameters<typeof exitCodeFor>[0]): void {
  expect(result.stderr).toMatch(new RegExp(`^tokenwarden: .+ \\(${code}\\)\\n$`));
  expect(result.code).toBe(exitCodeFor(code));
}

describe('CLI errors and bad input', () => {
  it('rejects an unknown command', async () => {
    expectFailure(await cli.run(['frobnicate']), 'ERR_USAGE');
  });

  it('rejects an unknown flag', async () => {
    expectFailure(await cli.run(['list', '--frobnicate']), 'ERR_USAGE');
  });

  it('rejects a missing NAME', async () => {
    expectFailure(await cli.run(['show']), 'ERR_USAGE');
  });

  it('reports a nonexistent NAME', async () => {
    expectFailure(await cli.run(['show', 'nope']), 'ERR_NOT_FOUND');
  });

  it('refuses a duplicate add and keeps the original', async () => {
    const dup = await cli.run(['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { input: 'other_token_value_123' });
    expectFailure(dup, 'ERR_EXISTS');
    expect((await cli.run(['token', 'github'])).stdout).toBe(`${CANARY}\n`);
  });

  it('rejects an empty stdin token', async () => {
    expectFailure(await cli.run(['add', 'empty', '--host', 'https://api.example.com', '--token-stdin'], { input: '' }), 'ERR_INVALID_INPUT');
  });

  it('rejects a token with an embedded newline', async () => {
    expectFailure(await cli.run(['add', 'nl', '--host', 'https://api.example.com', '--token-stdin'], { input: 'abc\ndef\n' }), 'ERR_INVALID_INPUT');
  });

  it('S7 refuses a token given as an argument, with a hint to use --token-stdin', async () => {
    for (const args of [['add', 'argtok', '--host', 'https://api.example.com', '--token', 'secret_in_argv_123'], ['add', 'argtok', 'secret_in_argv_123', '--host', 'https://api.example.com']]) {
      const result = await cli.run(args);
      expectFailure(result, 'ERR_USAGE');
      expect(result.stderr).toContain('--token-stdin');
      expect(result.stderr).not.toContain('secret_in_argv_123');
    }
  });

  it('rejects a name with spaces and a host that is not an origin', async () => {
    expectFailure(await cli.run(['add', 'my token', '--host', 'https://api.example.com', '--token-stdin'], { input: 'abcdefgh' }), 'ERR_INVALID_INPUT');
    expectFailure(await cli.run(['add', 'pathy', '--host', 'api.example.com/path', '--token-stdin'], { input: 'abcdefgh' }), 'ERR_INVALID_INPUT');
    expectFailure(await cli.run(['add', 'ftp', '--host', 'ftp://x', '--token-stdin'], { input: 'abcdefgh' }), 'ERR_INVALID_INPUT');
  });

  it('reports a locked vault when no passphrase or keyring is available', async () => {
    expectFailure(await cli.run(['list'], { env: { TOKENWARDEN_PASSPHRASE: '' } }), 'ERR_LOCKED');
  });

  it('reports a wrong passphrase', async () => {
    expectFailure(await cli.run(['list'], { env: { TOKENWARDEN_PASSPHRASE: 'wrong passphrase' } }), 'ERR_BAD_PASSPHRASE');
  });

  it('rejects exec with a missing command', async () => {
    expectFailure(await cli.run(['exec', 'github']), 'ERR_USAGE');
    expectFailure(await cli.run(['exec', 'github', '--']), 'ERR_USAGE');
  });

  it('S7 never prints the token except from `token`', async () => {
    const outputs = await Promise.all([cli.run(['list']), cli.run(['list', '--json']), cli.run(['show', 'github']), cli.run(['show', 'github', '--json']), cli.run(['status', '--json'])]);
    for (const r of outputs) {
      expect(r.code).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(CANARY);
      expect(r.stdout + r.stderr).not.toContain(Buffer.from(CANARY).toString('base64'));
    }
    expect(outputs[2]?.stdout).toContain(`…${CANARY.slice(-4)}`);
  });
});
