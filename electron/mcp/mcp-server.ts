/** The MCP server: three tools over the owner's API and proxy. There is deliberately no tool that returns a token. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ToolContext } from './tool-context.ts';
import { registerDescribeCredential } from './tools/describe-credential.ts';
import { registerHttpRequest } from './tools/http-request.ts';
import { registerListCredentials } from './tools/list-credentials.ts';

const INSTRUCTIONS =
  'Tokenwarden lets you call APIs with the user\'s credentials without ever seeing them. Start with list_credentials, ' +
  'then call http_request with a credential name and a path. Do not ask the user for tokens and never put one in a header.';

export function createMcpServer(ctx: ToolContext, version: string): McpServer {
  const server = new McpServer({ name: 'tokenwarden', version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  registerListCredentials(server, ctx);
  registerDescribeCredential(server, ctx);
  registerHttpRequest(server, ctx);
  return server;
}

/** The audit `client` value: `mcp/<clientInfo.name>`, printable and short whatever the client claims. */
export function clientLabel(server: McpServer): string {
  const name = server.server.getClientVersion()?.name ?? 'unknown';
  const safe = name.replace(/[^\x21-\x7e]/g, '_').slice(0, 64) || 'unknown';
  return `mcp/${safe}`;
}
