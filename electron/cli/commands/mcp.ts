/** `tokenwarden mcp`: an MCP server on stdio for AI agents; they call APIs through the proxy and never see a token. */
import type { Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { DEFAULT_KEY_TTL, DEFAULT_MAX_BODY, parseMcpOptions } from '../../mcp/mcp-options.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerMcp(program: Command, ctx: CommandContext): void {
  program
    .command('mcp')
    .summary('serve MCP on stdio: AI agents call APIs with your credentials without seeing a token')
    .option('--allow <names>', 'credentials the agent may use, comma-separated (repeatable); nothing else is exposed', collect)
    .option('--key-ttl <duration>', 'lifetime of the access key the server runs under, e.g. 30m, 8h, 7d', DEFAULT_KEY_TTL)
    .option('--max-body <size>', 'largest response body returned to the agent, e.g. 256k, 2m', DEFAULT_MAX_BODY)
    .addHelpText('after', '\nstdout carries MCP messages only; logs go to stderr.\nExample: tkw mcp --allow github,jira')
    .action(async (opts: { allow?: string[]; keyTtl: string; maxBody: string }) => {
      const options = parseMcpOptions(opts);
      // Loaded on demand: the MCP SDK is only needed by this command.
      const { runMcp } = await import('../../mcp/run-mcp.ts');
      await runMcp(options, { env: ctx.io.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
}
