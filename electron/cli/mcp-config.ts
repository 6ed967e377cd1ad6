/**
 * `tkw mcp config HOST`: the agent host's configuration for `tkw mcp`, with absolute paths to a Node that can run
 * the CLI and to the CLI itself. Agent hosts start servers with their own PATH (a desktop app often gets only
 * /usr/bin), where `tkw` or a new enough `node` may be missing; the server then dies before speaking MCP and the
 * client shows only "Connection closed".
 */
import { existsSync, realpathSync } from 'node:fs';
import { readConfig } from '../core/config.ts';
import { dataDirEnv } from '../core/base/data-dir.ts';
import { fileURLToPath } from 'node:url';

export const MCP_HOSTS = ['claude', 'cursor', 'vscode', 'codex'] as const;
export type McpHost = (typeof MCP_HOSTS)[number];

/** Where each host reads the printed text; said on stderr so stdout can be redirected into the file. */
export const MCP_HOST_FILES: Record<McpHost, string> = {
  claude: 'claude_desktop_config.json (Claude Desktop) or .mcp.json (Claude Code)',
  cursor: '.cursor/mcp.json (or ~/.cursor/mcp.json for every project)',
  vscode: '.vscode/mcp.json',
  codex: '~/.codex/config.toml',
};

export interface McpLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Node strips TypeScript types without a flag from 22.18 and 23.6; the checkout's sources need that. */
export function stripsTypes(version: string): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  return major >= 24 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18);
}

export interface LaunchContext {
  env: NodeJS.ProcessEnv;
  execPath: string;
  nodeVersion: string;
  /** import.meta.url of a module two levels below the package root: a source file or a chunk of the bundle. */
  moduleUrl: string;
  argv1: string | undefined;
}

export function currentLaunchContext(env: NodeJS.ProcessEnv): LaunchContext {
  return { env, execPath: process.execPath, nodeVersion: process.versions.node, moduleUrl: import.meta.url, argv1: process.argv[1] };
}

/** bin/tokenwarden.js: two levels up from this module in the sources and from any chunk of the bundle alike. */
function cliPath(context: LaunchContext): string {
  const beside = fileURLToPath(new URL('../../bin/tokenwarden.js', context.moduleUrl));
  if (existsSync(beside)) return beside;
  // A layout where bin/ is elsewhere: the script this process was started as (through npm's symlink).
  return context.argv1 ? realpathSync(context.argv1) : beside;
}

/**
 * The command and arguments of `tkw mcp …` that work with an empty PATH: this very Node by absolute path (it
 * runs the CLI now, so it can run the server), plus a warning when it may not keep doing so.
 */
export function mcpLaunch(context: LaunchContext, mcpArgs: readonly string[]): { launch: McpLaunch; warnings: string[] } {
  const warnings: string[] = [];
  // An older Node runs the bundle (which is what runs now), but bin/ refuses a checkout whose sources changed since.
  const checkout = existsSync(fileURLToPath(new URL('../../electron/cli/main.ts', context.moduleUrl)));
  if (checkout && !stripsTypes(context.nodeVersion)) {
    warnings.push(`Node ${context.nodeVersion} runs this checkout's built bundle but not its sources: after a source change the server will not start until \`npm run build:cli\`. Generating this under Node 22.18 or later avoids that.`);
  }
  // The server must open the same data dir; an agent host does not read the shell's profile.
  const env = dataDirEnv(context.env);
  if (readConfig(context.env).passphrase) {
    warnings.push('TOKENWARDEN_PASSPHRASE is not copied into the configuration: the server uses the running daemon or app, or, when none runs, unlocks from the OS keyring or a TOKENWARDEN_PASSPHRASE set in the agent host\'s own environment.');
  }
  return { launch: { command: context.execPath, args: [cliPath(context), 'mcp', ...mcpArgs], env }, warnings };
}

const SERVER_NAME = 'tokenwarden';

/** A TOML basic string: JSON's escapes are valid TOML, and TOML also wants DEL escaped. */
const tomlString = (text: string): string => JSON.stringify(text).replace(/\x7f/g, '\\u007f');
const tomlKey = (key: string): string => (/^[A-Za-z0-9_-]+$/.test(key) ? key : tomlString(key));

function codexToml(launch: McpLaunch): string {
  const lines = [
    `[mcp_servers.${SERVER_NAME}]`,
    `command = ${tomlString(launch.command)}`,
    `args = [${launch.args.map(tomlString).join(', ')}]`,
  ];
  const env = Object.entries(launch.env);
  if (env.length) lines.push(`env = { ${env.map(([k, v]) => `${tomlKey(k)} = ${tomlString(v)}`).join(', ')} }`);
  return `${lines.join('\n')}\n`;
}

function serverJson(launch: McpLaunch, extra: Record<string, string> = {}): Record<string, unknown> {
  return { ...extra, command: launch.command, args: launch.args, ...(Object.keys(launch.env).length ? { env: launch.env } : {}) };
}

export function mcpConfigText(host: McpHost, launch: McpLaunch): string {
  if (host === 'codex') return codexToml(launch);
  const config =
    host === 'vscode'
      ? { servers: { [SERVER_NAME]: serverJson(launch, { type: 'stdio' }) } }
      : { mcpServers: { [SERVER_NAME]: serverJson(launch) } };
  return `${JSON.stringify(config, null, 2)}\n`;
}
