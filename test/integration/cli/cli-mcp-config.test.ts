/**
 * `tkw mcp config HOST`: each agent host's configuration, with absolute paths, so the server starts where the
 * host's PATH finds neither `tkw` nor a new enough `node`; the printed command is started by the MCP SDK's own
 * client with an empty PATH.
 */
import { isAbsolute } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { describe, expect, it } from 'vitest';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { BIN, type CliEnv } from '../../fixtures/cli-run.ts';

const { setup, daemon, cleanups } = useCliHomes();

interface ServerEntry {
  type?: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
}

async function withCredential(cli: CliEnv, name = 'local', env: NodeJS.ProcessEnv = {}): Promise<void> {
  const add = await cli.run(['add', name, '--host', 'https://api.example.com', '--token-stdin'], { input: 'tkw-config-token', env });
  expect(add.code, add.stderr).toBe(0);
}

async function config(cli: CliEnv, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ text: string; stderr: string }> {
  const result = await cli.run(['mcp', 'config', ...args], { env });
  expect(result.code, result.stderr).toBe(0);
  return { text: result.stdout, stderr: result.stderr };
}

const claudeEntry = (text: string): ServerEntry => (JSON.parse(text) as { mcpServers: { tokenwarden: ServerEntry } }).mcpServers.tokenwarden;

describe('tkw mcp config', () => {
  it('prints a Claude configuration whose server starts with an empty PATH and lists its tools', async () => {
    const cli = setup();
    await daemon(cli);
    await withCredential(cli);
    const { text, stderr } = await config(cli, ['claude', '--allow', 'local']);
    const entry = claudeEntry(text);
    expect(isAbsolute(entry.command)).toBe(true);
    expect(entry.args).toEqual([BIN, 'mcp', '--allow', 'local']);
    expect(entry.env).toEqual({ TOKENWARDEN_HOME: cli.env.TOKENWARDEN_HOME });
    // The passphrase stays out: the agent's server reaches the running daemon instead.
    expect(text).not.toContain(cli.env.TOKENWARDEN_PASSPHRASE);
    expect(stderr).toMatch(/TOKENWARDEN_PASSPHRASE is not copied/);

    const transport = new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { ...entry.env, PATH: '', HOME: cli.home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent' },
      stderr: 'pipe',
    });
    const client = new Client({ name: 'config-test', version: '1.0.0' });
    cleanups.push(() => client.close());
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['describe_credential', 'http_request', 'list_credentials']);
    const listed = await client.callTool({ name: 'list_credentials', arguments: {} });
    expect(JSON.stringify(listed.structuredContent ?? listed.content)).toContain('local');
  });

  it('cursor, vscode and codex get their own shapes, with the same command and the mcp flags passed through', async () => {
    const cli = setup();
    await withCredential(cli);
    const flags = ['--allow', 'local', '--key-ttl', '1h', '--max-body', '1m'];
    const claude = claudeEntry((await config(cli, ['claude', ...flags])).text);
    expect(claude.args).toEqual([BIN, 'mcp', '--allow', 'local', '--key-ttl', '1h', '--max-body', '1m']);

    const cursor = JSON.parse((await config(cli, ['cursor', ...flags])).text) as { mcpServers: { tokenwarden: ServerEntry } };
    expect(cursor.mcpServers.tokenwarden).toEqual(claude);

    const vscode = JSON.parse((await config(cli, ['vscode', ...flags])).text) as { servers: { tokenwarden: ServerEntry } };
    expect(vscode.servers.tokenwarden).toEqual({ type: 'stdio', ...claude });

    const toml = (await config(cli, ['codex', ...flags])).text;
    const lines = toml.trimEnd().split('\n');
    expect(lines[0]).toBe('[mcp_servers.tokenwarden]');
    expect(lines[1]).toBe(`command = ${JSON.stringify(claude.command)}`);
    expect(lines[2]).toBe(`args = [${claude.args.map((a) => JSON.stringify(a)).join(', ')}]`);
    expect(lines[3]).toBe(`env = { TOKENWARDEN_HOME = ${JSON.stringify(cli.env.TOKENWARDEN_HOME)} }`);
    // Every line is a table header or `key = value` with a quoted string, an array of them or an inline table.
    for (const line of lines.slice(1)) expect(line).toMatch(/^[A-Za-z_]+ = ("([^"\\]|\\.)*"|\[("([^"\\]|\\.)*"(, )?)*\]|\{ [A-Za-z_]+ = "([^"\\]|\\.)*" \})$/);
  });

  it('puts TOKENWARDEN_HOME in env only when it is set', async () => {
    const cli = setup();
    const unset = { TOKENWARDEN_HOME: undefined };
    await withCredential(cli, 'local', unset);
    const entry = claudeEntry((await config(cli, ['claude', '--allow', 'local'], unset)).text);
    expect(entry.env).toBeUndefined();
    expect((await config(cli, ['codex', '--allow', 'local'], unset)).text).not.toMatch(/^env/m);
  });

  it('refuses an unknown host, naming the four', async () => {
    const cli = setup();
    const result = await cli.run(['mcp', 'config', 'zed', '--allow', 'local']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^tokenwarden: .*claude, cursor, vscode, codex.*\(ERR_USAGE\)\n$/);
  });

  it('checks the --allow names like tkw mcp: none existing is ERR_NOT_FOUND with Did you mean, some missing a warning', async () => {
    const cli = setup();
    await withCredential(cli);
    const none = await cli.run(['mcp', 'config', 'claude', '--allow', 'lcoal']);
    expect(none.code).toBe(3);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^tokenwarden: None of the --allow credentials exists: "lcoal" \(Did you mean "local"\?\)\..*\(ERR_NOT_FOUND\)\n$/);

    const some = await config(cli, ['claude', '--allow', 'local,lcoal']);
    expect(some.stderr).toMatch(/^tokenwarden: warning: --allow names no existing credential: "lcoal" \(Did you mean "local"\?\)/m);
    expect(claudeEntry(some.text).args).toEqual([BIN, 'mcp', '--allow', 'local,lcoal']);
  });

  it('refuses a bad pass-through flag before printing anything', async () => {
    const cli = setup();
    await withCredential(cli);
    const result = await cli.run(['mcp', 'config', 'claude', '--allow', 'local', '--key-ttl', 'forever']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--key-ttl.*\(ERR_USAGE\)\n$/);
  });
});
