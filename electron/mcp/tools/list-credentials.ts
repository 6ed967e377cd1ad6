/** `list_credentials`: the credentials this server exposes, with where and whether they work. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { credentialView } from '../credential-view.ts';
import type { ToolContext } from '../tool-context.ts';
import { guarded, toolJson } from '../tool-result.ts';

export function registerListCredentials(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'list_credentials',
    {
      title: 'List credentials',
      description:
        'Lists the API credentials you may use through Tokenwarden: name, bound hosts (the only origins each one is ever sent to), ' +
        'OAuth scopes, expiry, status (valid, expiring, expired, needs-login, ...) and a policy summary. ' +
        'You never see the tokens themselves; call http_request with a credential name and Tokenwarden adds it.',
      inputSchema: z.object({}).strict(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      guarded(async () => {
        const all = await ctx.api.list();
        const credentials = all.filter((s) => ctx.scope.names.includes(s.name)).map(credentialView);
        const missing = ctx.scope.names.filter((name) => !all.some((s) => s.name === name));
        return toolJson({ credentials, ...(missing.length ? { missing } : {}) });
      }, ctx.log),
  );
}
