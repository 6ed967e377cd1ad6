import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StdioLineTransport } from '../../../../electron/mcp/stdio-line-transport.ts';

function setup(maxMessageBytes = 1024) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const logs: string[] = [];
  const transport = new StdioLineTransport(stdin, stdout, { maxMessageBytes, log: (l) => logs.push(l) });
  const received: JSONRPCMessage[] = [];
  transport.onmessage = (m) => received.push(m);
  let closed = 0;
  transport.onclose = () => closed++;
  const sent = () =>
    (stdout.read() as Buffer | null)
      ?.toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>) ?? [];
  return { stdin, stdout, transport, received, logs, sent, closed: () => closed };
}

describe('StdioLineTransport', () => {
  it('delivers messages split across chunks and several per chunk', async () => {
    const t = setup();
    await t.transport.start();
    t.stdin.write('{"jsonrpc":"2.0","id":1,"met');
    t.stdin.write('hod":"ping"}\n{"jsonrpc":"2.0","method":"notifications/initialized"}\n');
    await new Promise((r) => setImmediate(r));
    expect(t.received).toEqual([{ jsonrpc: '2.0', id: 1, method: 'ping' }, { jsonrpc: '2.0', method: 'notifications/initialized' }]);
  });

  it('skips a line that is not JSON-RPC and keeps going', async () => {
    const t = setup();
    await t.transport.start();
    t.stdin.write('not json\n{"jsonrpc":"2.0","id":2,"method":"ping"}\n');
    await new Promise((r) => setImmediate(r));
    expect(t.received).toHaveLength(1);
    expect(t.logs.join()).toMatch(/not a JSON-RPC message/);
  });

  it('answers an oversized tools/call with a tool error instead of closing, then reads the next message', async () => {
    const t = setup(1024);
    await t.transport.start();
    const big = JSON.stringify({ method: 'tools/call', params: { name: 'http_request', arguments: { body: 'x'.repeat(5000) } }, jsonrpc: '2.0', id: 7 });
    t.stdin.write(`${big.slice(0, 3000)}`);
    t.stdin.write(`${big.slice(3000)}\n{"jsonrpc":"2.0","id":8,"method":"ping"}\n`);
    await new Promise((r) => setImmediate(r));
    expect(t.sent()).toEqual([{ jsonrpc: '2.0', id: 7, result: { content: [{ type: 'text', text: expect.stringMatching(/^ERR_TOO_LARGE: /) }], isError: true } }]);
    expect(t.received).toEqual([{ jsonrpc: '2.0', id: 8, method: 'ping' }]);
    expect(t.closed()).toBe(0);
  });

  it('answers an oversized request of another method with a JSON-RPC error', async () => {
    const t = setup(256);
    await t.transport.start();
    t.stdin.write(`{"jsonrpc":"2.0","id":"abc","method":"resources/read","params":{"x":"${'y'.repeat(1000)}"}}\n`);
    await new Promise((r) => setImmediate(r));
    expect(t.sent()).toEqual([{ jsonrpc: '2.0', id: 'abc', error: { code: -32600, message: expect.stringMatching(/larger than/) } }]);
  });

  it('closes once when stdin ends', async () => {
    const t = setup();
    await t.transport.start();
    t.stdin.end();
    await new Promise((r) => setImmediate(r));
    await t.transport.close();
    expect(t.closed()).toBe(1);
  });
});
