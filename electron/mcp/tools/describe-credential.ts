/** `describe_credential`: one credential in detail (claims, OAuth client, last error), still without secrets. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { credentialDetailView } from '../credential-view.ts';
import type { ToolContext } from '../tool-context.ts';
import { guarded, toolJson } from '../tool-result.ts';

export function registerDescribeCredential(server: McpServer, ctx: ToolContext): void {
  server.registerTool(
    'describe_credential',
    {
      title: 'Describe a credential',
      description:
        'Shows one credential in detail: bound hosts, scopes, audience, expiry, status, policy summary, the decoded JWT claims when the token is a JWT, ' +
        'the OAuth client (issuer, client id, grant) and the last refresh error. Never the token. Use it to find out why requests fail or which API a credential is for.',
      inputSchema: z
        .object({ credential: z.string({ error: 'expected a credential name from list_credentials' }).max(64).describe('Credential name from list_credentials.') })
        .strict(),
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ credential }) =>
      guarded(async () => {
        ctx.scope.assertAllowed(credential);
        return toolJson(credentialDetailView(await ctx.api.get(credential)));
      }, ctx.log),
  );
}
