/**
 * `tkw update NAME` for the fields other than the CA (cli-upstream-ca.test.ts has those): the real binary and a
 * daemon, with counting upstreams, so a host change is proven on the wire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor, type ErrorCode } from '../../../shared/errors.ts';
import { ShowOutput } from '../../../shared/model.ts';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const CANARY = 'tkwcanary_update_7c2b9e';
let cli: CliEnv;
let daemon: DaemonHandle;
let first: TestUpstream;
let second: TestUpstream;
let key: string;

beforeAll(async () => {
  [first, second] = await Promise.all([startUpstream(), startUpstream()]);
  cli = cliEnv();
  daemon = await startDaemon(cli);
  const added = await cli.run(['add', 'api', '--host', first.origin, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY });
  expect(added.code, added.stderr).toBe(0);
  key = (await cli.run(['proxy-key', '--print'])).stdout.trim();
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await first?.close();
  await second?.close();
  cli?.cleanup();
});

const show = async (name: string) => ShowOutput.parse(JSON.parse((await cli.run(['show', name, '--json'])).stdout));
/** The gateway goes to the credential's first bound origin. */
const through = () => fetch(`http://127.0.0.1:${daemon.port}/api/ping`, { headers: { 'X-Tokenwarden-Key': key } }).then((r) => r.status);

describe('tkw update', () => {
  it('P2 --host rebinds the token: the next request goes to the new origin only, the old one gets nothing', async () => {
    const updated = await cli.run(['update', 'api', '--host', second.origin]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toBe(`Updated api: hosts ${second.origin}.\n`);
    expect((await show('api')).hosts).toEqual([second.origin]);
    const before = { first: first.calls.length, second: second.calls.length };
    expect(await through()).toBe(200);
    expect(second.calls.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(first.calls.length).toBe(before.first);
    expect(second.calls.length).toBe(before.second + 1);
  });

  it('--auth-policy and several hosts at once are reported as stored', async () => {
    const updated = await cli.run(['update', 'api', '--host', first.origin, second.origin, '--auth-policy', 'force']);
    expect(updated.stdout).toBe(`Updated api: hosts ${first.origin}, ${second.origin}; auth policy force.\n`);
    expect(await show('api')).toMatchObject({ hosts: [first.origin, second.origin], authPolicy: 'force' });
  });

  it('--exec replaces an exec credential\'s command: the next refresh runs the new one', async () => {
    const added = await cli.run(['add', 'cmd', '--host', 'https://api.example.com', '--exec', 'printf tok_from_old_command_1234']);
    expect(added.code, added.stderr).toBe(0);
    const updated = await cli.run(['update', 'cmd', '--exec', 'printf tok_from_new_command_5678']);
    expect(updated.stdout).toBe('Updated cmd: command `printf tok_from_new_command_5678`.\n');
    expect((await cli.run(['refresh', 'cmd'])).code).toBe(0);
    expect((await cli.run(['token', 'cmd'])).stdout).toBe('tok_from_new_command_5678\n');
  });

  it.each<[string[], ErrorCode, string]>([
    [['update', 'api'], 'ERR_USAGE', 'Nothing to change'],
    [['update', 'api', '--exec', 'gh auth token'], 'ERR_USAGE', 'api is a static credential; --exec applies to exec credentials.'],
    [['update', 'api', '--scope', 'repo'], 'ERR_USAGE', '--scope applies to OAuth credentials'],
    [['update', 'api', '--host', 'http://api.example.com'], 'ERR_INVALID_INPUT', 'http'],
    [['update', 'api', '--no-allow-insecure-loopback'], 'ERR_INVALID_INPUT', 'http'],
    [['update', 'api', '--auth-policy', 'sometimes'], 'ERR_USAGE', 'sometimes'],
    [['update', 'nobody', '--host', 'https://api.example.com'], 'ERR_NOT_FOUND', 'nobody'],
  ])('P5 bad input %j gets %s and changes nothing', async (args, code, text) => {
    const before = await show('api');
    const result = await cli.run(args);
    expect(result.code).toBe(exitCodeFor(code));
    expect(result.stderr).toContain(text);
    expect(result.stderr).toContain(`(${code})`);
    expect(await show('api')).toEqual(before);
    expect(cli.transcript.join('\n')).not.toContain(CANARY);
  });
});
