/** What every MCP tool works with: the owner's API, the scope, the proxy sender and the limits. */
import type { ControlApi } from '../../shared/contract.ts';
import type { AccessScope } from './access-scope.ts';
import type { ProxySender } from './proxy-sender.ts';

export interface ToolContext {
  api: ControlApi;
  scope: AccessScope;
  sender: ProxySender;
  maxBodyBytes: number;
  /** `mcp/<clientInfo.name>` once the client has initialized. */
  client(): string;
  log(line: string): void;
}
