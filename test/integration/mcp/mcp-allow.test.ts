/**
 * `tkw mcp --allow` names that do not exist: a server with none of them would look connected to the agent and
 * offer nothing usable, so it refuses to start; with some of them it starts and names the missing ones.
 */
import { describe, expect, it } from 'vitest';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { startMcp, textOf } from '../../fixtures/mcp-client.ts';

const { setup, daemon, cleanups } = useCliHomes();

async function withCredentials(cli: CliEnv, ...names: string[]): Promise<void> {
  for (const name of names) {
    const add = await cli.run(['add', name, '--host', 'https://api.example.com', '--token-stdin'], { input: 'tkw-allow-token' });
    expect(add.code, add.stderr).toBe(0);
  }
}

const REFUSAL = /^tokenwarden: None of the --allow credentials exists: "lcoal" \(Did you mean "local"\?\), "zzz"\. `tkw list` shows the names\. \(ERR_NOT_FOUND\)$/;

describe('tkw mcp --allow names that do not exist', () => {
  it.each(['own', 'daemon'] as const)('refuses to start when none exists, with Did you mean (%s owner)', async (mode) => {
    const cli = setup();
    if (mode === 'daemon') await daemon(cli);
    await withCredentials(cli, 'local');
    const result = await cli.run(['mcp', '--allow', 'lcoal,zzz']);
    expect(result.code).toBe(3);
    expect(result.stdout).toBe('');
    const lines = result.stderr.trimEnd().split('\n');
    expect(lines.at(-1)).toMatch(REFUSAL);
    // The server's own log lines come first; none of them claims it got ready.
    expect(result.stderr).not.toMatch(/ready|client .* connected/);
  });

  it('refuses an empty vault and says how to add a credential', async () => {
    const cli = setup();
    await daemon(cli);
    const result = await cli.run(['mcp', '--allow', 'github']);
    expect(result.code).toBe(3);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      'tokenwarden: None of the --allow credentials exists: "github". The vault holds no credential yet; add one with `tkw add`. (ERR_NOT_FOUND)',
    );
  });

  it('starts when some exist, warns naming the missing ones, and exposes the rest', async () => {
    const cli = setup();
    await daemon(cli);
    await withCredentials(cli, 'local', 'other');
    const mcp = await startMcp(cli, ['--allow', 'local,lcoal,nope']);
    cleanups.push(() => mcp.close());
    const listed = await mcp.call('list_credentials');
    expect(listed.isError).toBeFalsy();
    expect(textOf(listed)).toContain('local');
    expect(textOf(listed)).not.toContain('other');
    // The warning was written before the server answered initialize; stderr is a separate pipe.
    await expect.poll(() => mcp.stderr()).toMatch(/--allow names no existing credential: "lcoal" \(Did you mean "local"\?\), "nope"\./);
  });
});
