/**
 * `tkw mcp` end to end: the SDK's real Client over stdio against the real child process, a real proxy (in a
 * daemon, or in the MCP process itself when no owner runs) and counting upstreams.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { hasExited } from '../../fixtures/child-exit.ts';
import { startMcp, textOf, type McpSession } from '../../fixtures/mcp-client.ts';
import { CANARY, CANARY_FORMS, MARKER, echo } from '../../fixtures/mcp-echo-upstream.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

describe.each(['daemon', 'own'] as const)('tkw mcp (%s owner)', (mode) => {
  let cli: CliEnv;
  let daemon: DaemonHandle | undefined;
  let upstream: TestUpstream;
  let second: TestUpstream;
  let mcp: McpSession;
  const wire: string[] = [];

  beforeAll(async () => {
    upstream = await startUpstream({ handler: echo });
    second = await startUpstream({ handler: echo });
    cli = cliEnv();
    if (mode === 'daemon') daemon = await startDaemon(cli);
    const add = (name: string, hosts: string[]) =>
      cli.run(['add', name, ...hosts.flatMap((h) => ['--host', h]), '--allow-insecure-loopback', '--token-stdin'], { input: CANARY });
    expect((await add('echo', [upstream.origin, second.origin])).code).toBe(0);
    expect((await add('hidden', [upstream.origin])).code).toBe(0);
    // An OAuth credential nobody has logged in to yet: the proxy answers needs-login before any upstream call.
    const pending = ['add', 'pending', '--host', upstream.origin, '--allow-insecure-loopback', '--issuer', 'https://127.0.0.1:1', '--client-id', 'mcp-test', '--grant', 'auth-code', '--no-verify'];
    expect((await cli.run(pending)).code).toBe(0);
    mcp = await startMcp(cli, ['--allow', 'echo,pending']);
  });

  afterAll(async () => {
    if (!hasExited(mcp.child)) await mcp.close();
    wire.push(...mcp.transport.wire);
    await daemon?.stop();
    await upstream.close();
    await second.close();
    // M1: no JSON-RPC message in either direction, and nothing printed, holds the token in any plain form.
    const everything = [...wire, ...cli.transcript].join('\n');
    expect(wire.length).toBeGreaterThan(20);
    for (const form of CANARY_FORMS) expect(everything).not.toContain(form);
    cli.cleanup();
  });

  const calls = () => upstream.calls.length + second.calls.length;

  it('M1 tools/list offers exactly list_credentials, describe_credential and http_request, each with a schema', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['describe_credential', 'http_request', 'list_credentials']);
    const http = tools.find((t) => t.name === 'http_request')!;
    expect(http.description).toMatch(/never see/i);
    expect(Object.keys(http.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['credential', 'method', 'path', 'url', 'headers', 'body', 'timeout_ms']));
    expect(http.inputSchema.required).toEqual(['credential']);
  });

  it('M2 list_credentials shows only the allowed credentials, without secrets', async () => {
    const result = await mcp.call('list_credentials');
    expect(result.isError).toBeFalsy();
    const { credentials } = result.structuredContent as { credentials: { name: string; hosts: string[]; status: string; policy: string }[] };
    expect(credentials.map((c) => c.name).sort()).toEqual(['echo', 'pending']);
    expect(credentials.find((c) => c.name === 'echo')).toMatchObject({ hosts: [upstream.origin, second.origin], status: 'valid' });
    expect(credentials.find((c) => c.name === 'pending')).toMatchObject({ status: 'needs-login' });
    expect(credentials[0]!.policy).toMatch(/Authorization/);
    expect(textOf(result)).not.toContain('hidden');
  });

  it('describe_credential explains one allowed credential and refuses the others', async () => {
    const ok = await mcp.call('describe_credential', { credential: 'echo' });
    expect(ok.isError).toBeFalsy();
    expect(ok.structuredContent).toMatchObject({ name: 'echo', kind: 'static' });
    const refused = await mcp.call('describe_credential', { credential: 'hidden' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^ERR_KEY_SCOPE: /);
  });

  it('http_request sends through the proxy: the upstream gets the token and the audit client header, the agent gets the answer', async () => {
    const before = upstream.calls.length;
    const result = await mcp.call('http_request', { credential: 'echo', method: 'POST', path: '/items?x=1', headers: { 'Content-Type': 'application/json' }, body: '{"a":1}' });
    expect(result.isError).toBeFalsy();
    expect(upstream.calls.length).toBe(before + 1);
    const call = upstream.calls.at(-1)!;
    expect(call.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect(call.headers['x-tokenwarden-key']).toBeUndefined();
    const view = result.structuredContent as { status: number; body: string; body_encoding: string; truncated: boolean; headers: Record<string, string> };
    expect(view).toMatchObject({ status: 200, body_encoding: 'text', truncated: false });
    expect(JSON.parse(view.body)).toMatchObject({ url: '/items?x=1', method: 'POST', body: '{"a":1}' });
    expect(textOf(result)).toMatch(/^HTTP 200/);
  });

  it('L1 M1 the audit log names the MCP client that sent a request (tkw audit --json --name)', async () => {
    const result = await mcp.call('http_request', { credential: 'echo', path: '/audited-by-mcp' });
    expect(result.isError).toBeFalsy();
    const audited = async () => {
      const run = await cli.run(['audit', '--json', '--name', 'echo']);
      const entries = run.stdout.split('\n').filter(Boolean).map((line) => JSON.parse(line) as { path?: string; client?: { name?: string | null } | null });
      return entries.find((e) => e.path === '/audited-by-mcp')?.client?.name ?? null;
    };
    await expect.poll(audited, { timeout: 20_000, interval: 500 }).toBe('mcp/vitest-agent');
  });

  it('http_request reaches a second bound origin by url, through the forward proxy', async () => {
    const before = second.calls.length;
    const result = await mcp.call('http_request', { credential: 'echo', url: `${second.origin}/second?y=2` });
    expect(result.isError).toBeFalsy();
    expect(second.calls.length).toBe(before + 1);
    expect(second.calls.at(-1)!.headers.authorization).toBe(`Bearer ${CANARY}`);
    expect((result.structuredContent as { status: number }).status).toBe(200);
  });

  it('an upstream error status is an answer, not a tool error', async () => {
    const result = await mcp.call('http_request', { credential: 'echo', path: '/missing' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ status: 404, body: 'nothing here' });
  });

  it('M1 an upstream echoing Authorization gets the marker back, never the token (headers, raw and JSON bodies)', async () => {
    const result = await mcp.call('http_request', { credential: 'echo', path: '/headers' });
    const view = result.structuredContent as { body: string; headers: Record<string, string> };
    expect(view.headers['x-echo-authorization']).toBe(`Bearer ${MARKER}`);
    expect((JSON.parse(view.body) as { headers: { authorization: string } }).headers.authorization).toBe(`Bearer ${MARKER}`);
    const forms = await mcp.call('http_request', { credential: 'echo', path: '/forms' });
    expect(JSON.parse((forms.structuredContent as { body: string }).body)).toEqual({ escaped: MARKER, pct: MARKER, raw: MARKER });
    for (const r of [result, forms]) for (const form of CANARY_FORMS) expect(JSON.stringify(r)).not.toContain(form);
  });

  it('M1 a gzip body echoing Authorization is decoded and redacted; identity is asked for; an unknown encoding returns no body', async () => {
    const result = await mcp.call('http_request', { credential: 'echo', path: '/gzip' });
    expect(result.isError).toBeFalsy();
    const view = result.structuredContent as { body: string; body_encoding: string; headers: Record<string, string> };
    expect(view.body_encoding).toBe('text');
    expect(JSON.parse(view.body)).toEqual({ authorization: `Bearer ${MARKER}` });
    expect(view.headers['content-encoding']).toBeUndefined();
    expect(view.headers['x-echo-accept-encoding']).toBe('identity');
    const unknown = await mcp.call('http_request', { credential: 'echo', path: '/zstd' });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/^ERR_UPSTREAM: /);
    const refused = await mcp.call('http_request', { credential: 'echo', path: '/x', headers: { 'Accept-Encoding': 'gzip' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/^ERR_INVALID_INPUT: .*Accept-Encoding/);
  });

  it('M1 a token replaced by a rotate stays redacted: an upstream still holding the old one gets the marker back', async () => {
    const rotated = 'tw-mcp-rotated-token-5d1e0c0ffee5d1e0c0ffee';
    expect((await cli.run(['rotate', 'echo', '--token-stdin'], { input: rotated })).code).toBe(0);
    upstream.handler = (_req, res) => res.end(`old=${CANARY} new=${rotated}`);
    try {
      const result = await mcp.call('http_request', { credential: 'echo', path: '/stale' });
      expect((result.structuredContent as { body: string }).body).toBe(`old=${MARKER} new=${MARKER}`);
      expect(JSON.stringify(result)).not.toContain(rotated);
    } finally {
      upstream.handler = echo;
      expect((await cli.run(['rotate', 'echo', '--token-stdin'], { input: CANARY })).code).toBe(0);
    }
  });

  it('M1 binary bodies come back as base64 with the raw token bytes replaced', async () => {
    const result = await mcp.call('http_request', { credential: 'echo', path: '/binary' });
    const view = result.structuredContent as { body: string; body_encoding: string };
    expect(view.body_encoding).toBe('base64');
    const bytes = Buffer.from(view.body, 'base64');
    expect(bytes.includes(Buffer.from(CANARY))).toBe(false);
    expect(bytes.includes(Buffer.from(MARKER))).toBe(true);
    expect([...bytes.subarray(0, 4)]).toEqual([0, 1, 2, 0xff]);
  });

  it('M2 a credential outside --allow is refused with 0 upstream calls', async () => {
    const before = calls();
    const result = await mcp.call('http_request', { credential: 'hidden', path: '/x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^ERR_KEY_SCOPE: .*not available/);
    expect(calls()).toBe(before);
  });

  it.each([
    ['a foreign origin', { url: 'https://evil.example/x' }, /^ERR_HOST_NOT_BOUND: /],
    ['a look-alike port', { url: 'http://127.0.0.1:1/x' }, /^ERR_HOST_NOT_BOUND: /],
    ['userinfo', { url: 'http://user:pw@127.0.0.1:1/x' }, /^ERR_INVALID_INPUT: .*user name/],
    ['a dot-dot path', { path: '/a/../../etc/passwd' }, /^ERR_INVALID_INPUT: .*\.\./],
    ['an encoded dot-dot path', { path: '/a/%2e%2E/b' }, /^ERR_INVALID_INPUT: /],
    ['a protocol-relative path', { path: '//evil.example/x' }, /^ERR_INVALID_INPUT: /],
    ['both path and url', { path: '/x', url: 'http://127.0.0.1:1/x' }, /^ERR_INVALID_INPUT: .*exactly one/],
    ['an Authorization header', { path: '/x', headers: { Authorization: 'Bearer mine' } }, /^ERR_INVALID_INPUT: .*Authorization/],
    ['a key header', { path: '/x', headers: { 'X-Tokenwarden-Key': 'guess' } }, /^ERR_INVALID_INPUT: /],
  ])('M2 %s is refused with 0 upstream calls', async (_what, args, message) => {
    const before = calls();
    const result = await mcp.call('http_request', { credential: 'echo', ...args });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(message);
    expect(calls()).toBe(before);
  });

  it('a credential that needs a login is a coded tool error with 0 upstream calls', async () => {
    const before = calls();
    const result = await mcp.call('http_request', { credential: 'pending', path: '/x' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/^ERR_NEEDS_LOGIN: /);
    expect(calls()).toBe(before);
  });

  it('bad input gets tool errors, never a crash: unknown tool, wrong types, unknown fields', async () => {
    for (const [name, args] of [
      ['get_token', { credential: 'echo' }],
      ['http_request', { credential: 'echo', method: 'TRACE', path: '/x' }],
      ['http_request', { credential: 42, path: '/x' }],
      ['http_request', { credential: 'echo', path: '/x', timeout_ms: -5 }],
      ['http_request', { credential: 'echo', path: '/x', surprise: true }],
    ] as const) {
      const result = await mcp.call(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)}`).toBe(true);
      expect(textOf(result)).toMatch(name === 'get_token' ? /^ERR_NOT_FOUND: There is no tool named "get_token"/ : /^ERR_INVALID_INPUT: Invalid arguments for http_request: /);
    }
    expect((await mcp.call('list_credentials')).isError).toBeFalsy();
  });

  it('S6 a locked vault is a coded tool error with 0 upstream calls; unlocking restores it', async () => {
    expect((await cli.run(['lock'])).code).toBe(0);
    const before = calls();
    const locked = await mcp.call('http_request', { credential: 'echo', path: '/x' });
    expect(locked.isError).toBe(true);
    expect(textOf(locked)).toMatch(/^ERR_LOCKED: /);
    expect(calls()).toBe(before);
    expect((await cli.run(['unlock'])).code).toBe(0);
    expect((await mcp.call('http_request', { credential: 'echo', path: '/x' })).isError).toBeFalsy();
  });

  it('A1 policy refusals are coded tool errors with 0 upstream calls, and list_credentials summarises the policy', async () => {
    expect((await cli.run(['policy', 'echo', '--methods', 'GET', '--paths', '/allowed/**'])).code).toBe(0);
    try {
      const listed = await mcp.call('list_credentials');
      const { credentials } = listed.structuredContent as { credentials: { name: string; policy: string }[] };
      expect(credentials.find((c) => c.name === 'echo')!.policy).toMatch(/methods GET.*paths \/allowed\/\*\*/);
      const before = calls();
      const post = await mcp.call('http_request', { credential: 'echo', method: 'POST', path: '/allowed/x', body: '{}' });
      expect(post.isError).toBe(true);
      expect(textOf(post)).toMatch(/^ERR_POLICY: /);
      const path = await mcp.call('http_request', { credential: 'echo', path: '/elsewhere' });
      expect(path.isError).toBe(true);
      expect(textOf(path)).toMatch(/^ERR_POLICY: /);
      expect(calls()).toBe(before);
      expect((await mcp.call('http_request', { credential: 'echo', path: '/allowed/x' })).isError).toBeFalsy();
      expect(calls()).toBe(before + 1);
    } finally {
      expect((await cli.run(['policy', 'echo', '--clear'])).code).toBe(0);
    }
  });

  it('A6 M2 runs under its own access key for exactly the allowed credentials, never the master key', async () => {
    const keys = JSON.parse((await cli.run(['key', 'list', '--json'])).stdout) as { id: string; for: string[]; label: string | null; status: string }[];
    const mine = keys.filter((k) => k.label?.startsWith('tkw mcp'));
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ status: 'active' });
    expect([...mine[0]!.for].sort()).toEqual(['echo', 'pending']);
    const masterKey = JSON.parse((await cli.run(['proxy-env', 'echo', '--json'])).stdout) as Record<string, string>;
    const master = decodeURIComponent(new URL(masterKey.HTTP_PROXY!).password);
    // The proxy strips the key header, so the upstream never sees which key was used; the MCP process's own
    // log names the key id it minted, and nothing it sends or prints holds the master key.
    expect(mcp.stderr()).toContain(mine[0]!.id);
    expect([...mcp.transport.wire, mcp.stderr()].join('\n')).not.toContain(master);
  });

  it('exits cleanly when stdin closes, and its access key is revoked', async () => {
    const { code, signal } = await mcp.close();
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(mcp.stderr()).toMatch(/stdin closed, stopping[\s\S]*revoked[\s\S]*stopped/);
    const keys = JSON.parse((await cli.run(['key', 'list', '--all', '--json'])).stdout) as { label: string | null; status: string }[];
    const mine = keys.filter((k) => k.label?.startsWith('tkw mcp'));
    expect(mine.length).toBeGreaterThan(0);
    for (const key of mine) expect(key.status).toBe('revoked');
  });
});
