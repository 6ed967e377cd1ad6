/** `http_request`: one HTTP call through the Tokenwarden proxy with a named credential; the answer is redacted. */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TokenwardenError } from '../../core/base/errors.ts';
import { checkHeaders, decodeBody, HttpRequestInput, resolveTarget } from '../http-request-input.ts';
import { redactTexts } from '../redactor.ts';
import { proxyRefusal, renderHttpText, viewResponse } from '../response-view.ts';
import type { ToolContext } from '../tool-context.ts';
import { guarded, toolJson } from '../tool-result.ts';

export function registerHttpRequest(server: McpServer, ctx: ToolContext): void {
  const cap = `${Math.round(ctx.maxBodyBytes / 1024)} KiB`;
  server.registerTool(
    'http_request',
    {
      title: 'HTTP request with a credential',
      description:
        'Sends an HTTP request to an API with one of your credentials. Tokenwarden adds the Authorization header itself, only for the ' +
        "credential's bound hosts, and applies its policies; you never see or send the token. Give `path` (relative to the credential's " +
        `first host) or a full \`url\` on one of its hosts. Returns status, headers and body: text up to ${cap}, base64 for binary content, ` +
        'with `truncated` set when the body was cut. Secrets echoed by a server are replaced with "[redacted by tokenwarden]". ' +
        'Refusals (policy, host not bound, vault locked, login needed) come back as errors with a code.',
      inputSchema: HttpRequestInput,
      annotations: { readOnlyHint: false, destructiveHint: true, openWorldHint: true },
    },
    (input) =>
      guarded(async () => {
        ctx.scope.assertAllowed(input.credential);
        const body = decodeBody(input.body, input.body_encoding);
        if (body && (input.method === 'GET' || input.method === 'HEAD')) throw new TokenwardenError('ERR_INVALID_INPUT', `A ${input.method} request has no body.`);
        const headers = checkHeaders(input.headers);
        const { hosts } = await ctx.api.get(input.credential);
        const target = resolveTarget(input, hosts);
        const raw = await ctx.sender.send({
          credential: input.credential,
          method: input.method,
          target,
          gatewayOrigin: hosts[0]!,
          headers,
          body,
          timeoutMs: input.timeout_ms,
          key: await ctx.scope.key(input.credential),
          client: ctx.client(),
          maxBodyBytes: ctx.maxBodyBytes,
        });
        const view = await viewResponse(raw, (texts, openEnd) => redactTexts(ctx.api, input.credential, texts, ctx.scope.heldSecrets(), { openEnd }), ctx.maxBodyBytes);
        const refusal = proxyRefusal(view);
        if (refusal) throw new TokenwardenError(refusal.code, refusal.message);
        return toolJson(view, renderHttpText(view));
      }, ctx.log),
  );
}
