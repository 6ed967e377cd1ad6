/** `tkw mcp` limits and transports: the body cap, huge bodies, a missing --allow, and a second https origin over CONNECT. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
import { hasExited } from '../../fixtures/child-exit.ts';
import { startMcp, textOf, type McpSession } from '../../fixtures/mcp-client.ts';
import { CANARY, CANARY_FORMS, MARKER, echo } from '../../fixtures/mcp-echo-upstream.ts';
import { makeTlsMaterial, startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

describe('tkw mcp limits', () => {
  let cli: CliEnv;
  let upstream: TestUpstream;
  let owner: McpSession;
  let small: McpSession;

  beforeAll(async () => {
    upstream = await startUpstream({ handler: echo });
    cli = cliEnv();
    expect((await cli.run(['add', 'echo', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY })).code).toBe(0);
    // The first server owns the vault; the second finds it through its control socket like any client.
    owner = await startMcp(cli, ['--allow', 'echo']);
    small = await startMcp(cli, ['--allow', 'echo', '--max-body', '1k']);
  });

  afterAll(async () => {
    await small.close();
    await owner.close();
    await upstream.close();
    const everything = [...owner.transport.wire, ...small.transport.wire, ...cli.transcript].join('\n');
    for (const form of CANARY_FORMS) expect(everything).not.toContain(form);
    cli.cleanup();
  });

  it('M1 a body cut at the cap never leaves the start of a token behind, and its dropped tail does not depend on it', async () => {
    const result = await small.call('http_request', { credential: 'echo', path: '/big' });
    const view = result.structuredContent as { body: string; truncated: boolean };
    expect(view.truncated).toBe(true);
    // The cut tail (as long as the longest secret form, less one) is dropped whatever it holds: no prefix oracle.
    expect(view.body).toMatch(/^a{900,1013}\[redacted by tokenwarden\]$/);
    expect(view.body.endsWith(MARKER)).toBe(true);
  });

  it('a 20 MB body is a tool error, and the server keeps serving', async () => {
    const before = upstream.calls.length;
    const huge = await owner.call('http_request', { credential: 'echo', method: 'POST', path: '/x', body: 'x'.repeat(20 * 1024 * 1024) });
    expect(huge.isError).toBe(true);
    expect(textOf(huge)).toMatch(/^ERR_TOO_LARGE: /);
    const large = await owner.call('http_request', { credential: 'echo', method: 'POST', path: '/x', body: 'x'.repeat(9 * 1024 * 1024) });
    expect(large.isError).toBe(true);
    expect(textOf(large)).toMatch(/^ERR_TOO_LARGE: .*8 MiB/);
    expect(upstream.calls.length).toBe(before);
    expect((await owner.call('list_credentials')).isError).toBeFalsy();
  });

  it('refuses to start without --allow', async () => {
    const result = await cli.run(['mcp']);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/--allow/);
  });
});

describe('tkw mcp to a second https origin', () => {
  it('M1 goes through CONNECT with the proxy CA: the upstream gets the token, the agent gets the marker', async () => {
    const tls = await makeTlsMaterial(['localhost']);
    const dir = mkdtempSync(join(tmpdir(), 'tkw-mcp-ca-'));
    writeFileSync(join(dir, 'upstream-ca.pem'), tls.caPem);
    const first = await startUpstream({ handler: echo });
    const secure = await startUpstream({ tls, hostname: 'localhost', handler: echo });
    // The owner (this MCP server) trusts the test upstream's CA the way a user's system store would.
    const cli = cliEnv({ NODE_EXTRA_CA_CERTS: join(dir, 'upstream-ca.pem') });
    let mcp: McpSession | undefined;
    try {
      const add = ['add', 'echo', '--host', first.origin, '--host', secure.origin, '--allow-insecure-loopback', '--token-stdin'];
      expect((await cli.run(add, { input: CANARY })).code).toBe(0);
      mcp = await startMcp(cli, ['--allow', 'echo']);
      const result = await mcp.call('http_request', { credential: 'echo', url: `${secure.origin}/headers` });
      expect(result.isError).toBeFalsy();
      expect(secure.calls).toHaveLength(1);
      expect(secure.calls[0]!.headers.authorization).toBe(`Bearer ${CANARY}`);
      expect((result.structuredContent as { headers: Record<string, string> }).headers['x-echo-authorization']).toBe(`Bearer ${MARKER}`);
      await mcp.close();
      for (const form of CANARY_FORMS) expect([...mcp.transport.wire, ...cli.transcript].join('\n')).not.toContain(form);
    } finally {
      if (mcp && !hasExited(mcp.child)) await mcp.close();
      await first.close();
      await secure.close();
      cli.cleanup();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
