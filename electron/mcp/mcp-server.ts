/** The MCP server: three tools over the owner's API and proxy. There is deliberately no tool that returns a token. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { clientNameLabel } from '../../shared/visible-text.ts';
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
  codeSdkToolErrors(server);
  return server;
}

/**
 * The SDK answers an unknown tool or schema-invalid arguments itself, as `MCP error -32602: …` tool errors.
 * Give those the same `CODE: message` shape as ours. The hook is the SDK's own (private) error builder, pinned
 * at 1.32.2; if it moves, messages simply keep the SDK's wording.
 */
function codeSdkToolErrors(server: McpServer): void {
  const sdk = server as unknown as { createToolError?: (message: string) => CallToolResult };
  const original = sdk.createToolError?.bind(server);
  if (!original) return;
  sdk.createToolError = (message: string) => original(codedSdkMessage(message));
}

export function codedSdkMessage(message: string): string {
  const invalid = /^MCP error -32602: Input validation error: Invalid arguments for tool ([\w-]+): ([\s\S]*)$/.exec(message);
  if (invalid) return `ERR_INVALID_INPUT: Invalid arguments for ${invalid[1]}: ${invalid[2]}`;
  const unknown = /^MCP error -32602: Tool (\S+) not found$/.exec(message);
  if (unknown) return `ERR_NOT_FOUND: There is no tool named "${unknown[1]!.slice(0, 64)}". The tools are list_credentials, describe_credential and http_request.`;
  return message;
}

/** The audit `client` value: `mcp/<clientInfo.name>`, printable and short whatever the client claims. */
export function clientLabel(server: McpServer): string {
  const name = server.server.getClientVersion()?.name ?? 'unknown';
  const safe = clientNameLabel(name, 64) || 'unknown';
  return `mcp/${safe}`;
}
