/**
 * X-Tokenwarden-Client is a label the client chose: it is cleaned by the same rule as an MCP client's name
 * (shared/visible-text.ts clientNameLabel) before the audit log stores it.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it } from 'vitest';
import { scanRequestHeaders } from '../../../../../electron/core/proxy/guards.ts';
import { clientLabel } from '../../../../../electron/mcp/mcp-server.ts';

const base = ['Host', '127.0.0.1:8080'];
const headerClient = (value: string) => scanRequestHeaders([...base, 'X-Tokenwarden-Client', value]).client;
const mcpClient = (name: string) => clientLabel({ server: { getClientVersion: () => ({ name, version: '1' }) } } as unknown as McpServer);

describe('the client label', () => {
  it('L2 X-Tokenwarden-Client with a C1 CSI, an escape or a bidi override is stored printable, like an MCP client name', () => {
    // Node hands header bytes over as latin1, so a raw 0x9B byte arrives as U+009B.
    expect(headerClient('cli\u009b2K')).toBe('cli_2K');
    expect(headerClient('cli\x1b[2K')).toBe('cli_[2K');
    expect(mcpClient('cli\u009b2K')).toBe('mcp/cli_2K');
    expect(headerClient('mcp/cli\u009b2K')).toBe(mcpClient('cli\u009b2K'));
  });

  it('L2 the header is cut to 128 characters and never forwarded', () => {
    const scan = scanRequestHeaders([...base, 'X-Tokenwarden-Client', 'a'.repeat(300)]);
    expect(scan.client).toBe('a'.repeat(128));
    expect(scan.out).toEqual([]);
  });
});
