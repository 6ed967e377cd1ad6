/** `tokenwarden mcp`: an MCP server on stdio for AI agents; they call APIs through the proxy and never see a token. */
import { Argument, type Command } from 'commander';
import { TokenwardenError } from '../../core/base/errors.ts';
import { checkAllowed } from '../../mcp/allow-check.ts';
import type { CommandContext } from '../context.ts';
import { DEFAULT_KEY_TTL, DEFAULT_MAX_BODY, parseMcpOptions } from '../../mcp/mcp-options.ts';
import { warnLine } from '../fail.ts';
import { MCP_HOST_FILES, MCP_HOSTS, currentLaunchContext, mcpConfigText, mcpLaunch, type McpHost } from '../mcp-config.ts';
import { isNewVault } from '../passphrase-prompt.ts';

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function registerMcp(program: Command, ctx: CommandContext): void {
  const mcp = program
    .command('mcp')
    .summary('serve MCP on stdio: AI agents call APIs with your credentials without seeing a token')
    .option('--allow <names>', 'credentials the agent may use, comma-separated (repeatable); nothing else is exposed', collect)
    .option('--key-ttl <duration>', 'lifetime of the access key the server runs under, e.g. 30m, 8h, 7d', DEFAULT_KEY_TTL)
    .option('--max-body <size>', 'largest response body returned to the agent, e.g. 256k, 2m', DEFAULT_MAX_BODY)
    .addHelpText('after', '\nstdout carries MCP messages only; logs go to stderr.\nExample: tkw mcp --allow github,jira\nAn agent host\'s configuration for it: tkw mcp config claude|cursor|vscode|codex --allow github,jira')
    .action(async (opts: { allow?: string[]; keyTtl: string; maxBody: string }) => {
      const options = parseMcpOptions(opts);
      // Loaded on demand: the MCP SDK is only needed by this command.
      const { runMcp } = await import('../../mcp/run-mcp.ts');
      await runMcp(options, { env: ctx.io.env, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
    });
  registerMcpConfig(mcp, ctx);
}

function registerMcpConfig(mcp: Command, ctx: CommandContext): void {
  mcp
    .command('config')
    .summary("print an agent host's configuration for tkw mcp, with absolute paths (works with an empty PATH)")
    .addArgument(new Argument('<host>', 'the agent host').choices(MCP_HOSTS))
    .addHelpText('after', '\nThe flags of `tkw mcp` (--allow, --key-ttl, --max-body) are passed through to the server.')
    .action(async (host: McpHost) => {
      // The flags belong to `tkw mcp`, which parses them before dispatching here.
      const raw = mcp.opts<{ allow?: string[]; keyTtl: string; maxBody: string }>();
      const options = parseMcpOptions(raw);
      const existing = await existingNames(ctx);
      if (existing) {
        const warning = checkAllowed(options.allow, existing);
        if (warning) ctx.io.err(warnLine(`${warning} The server starts without them.`));
      } else {
        ctx.io.err(warnLine('The vault is locked, so the --allow names were not checked.'));
      }
      const { launch, warnings } = mcpLaunch(currentLaunchContext(ctx.io.env), ['--allow', options.allow.join(','), ...givenFlags(mcp)]);
      for (const warning of warnings) ctx.io.err(warnLine(warning));
      ctx.io.out(mcpConfigText(host, launch));
      ctx.io.err(`tokenwarden: put this in ${MCP_HOST_FILES[host]}.\n`);
    });
}

/** Every `tkw mcp` flag given on this command line except --allow (passed normalised), as the server takes it. */
function givenFlags(mcp: Command): string[] {
  const values = mcp.opts<Record<string, unknown>>();
  return mcp.options.flatMap((option) => {
    const key = option.attributeName();
    if (key === 'allow' || mcp.getOptionValueSource(key) !== 'cli' || !option.long) return [];
    const value = values[key];
    if (value === true) return [option.long];
    return (Array.isArray(value) ? value : [value]).map(String).flatMap((v) => [option.long!, v]);
  });
}

/** The vault's credential names, or undefined when it stays locked; never prompts and never creates a vault. */
async function existingNames(ctx: CommandContext): Promise<string[] | undefined> {
  return ctx.withSession(
    async (session) => {
      const status = await session.api.status();
      if (isNewVault(status)) return [];
      if (status.locked) {
        if (session.mode === 'daemon') return undefined;
        try {
          // The environment or the keyring only: a configuration is not worth a passphrase prompt.
          await session.api.unlock();
        } catch (err) {
          if (err instanceof TokenwardenError && err.code === 'ERR_LOCKED') return undefined;
          throw err;
        }
      }
      return (await session.api.list()).map((s) => s.name);
    },
    { unlock: false },
  );
}
