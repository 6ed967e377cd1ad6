import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';

const CANARY = 'tkwcanary_proxy_e2e_7c3b9a1f';
let cli: CliEnv;
let daemon: DaemonHandle;
let upstreamPort: number;
const seen: IncomingHttpHeaders[] = [];
const upstream = createServer((req, res) => {
  seen.push(req.headers);
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ path: req.url }));
});

beforeAll(async () => {
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  upstreamPort = (upstream.address() as AddressInfo).port;
  cli = cliEnv();
  daemon = await startDaemon(cli);
  const added = await cli.run(['add', 'local', '--host', `http://127.0.0.1:${upstreamPort}`, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY });
  expect(added.code).toBe(0);
});

afterAll(async () => {
  await daemon.stop();
  upstream.close();
  // S7: nothing the CLI or the daemon printed during the run holds the token.
  expect(cli.transcript.join('\n')).not.toContain(CANARY);
  cli.cleanup();
});

async function proxyKey(): Promise<string> {
  const env = JSON.parse((await cli.run(['proxy-env', 'local', '--json'])).stdout) as Record<string, string>;
  return decodeURIComponent(new URL(env.HTTP_PROXY!).password);
}

describe('daemon proxy end to end', () => {
  it('gateway: injects the bearer token for the bound origin and strips the key', async () => {
    const before = seen.length;
    const res = await fetch(`http://127.0.0.1:${daemon.port}/local/hello?x=1`, { headers: { 'X-Tokenwarden-Key': await proxyKey() } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ path: '/hello?x=1' });
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${CANARY}`);
    expect(seen.at(-1)?.['x-tokenwarden-key']).toBeUndefined();
  });

  it('P3 a wrong key gets 401 and upstream sees nothing', async () => {
    const before = seen.length;
    const key = await proxyKey();
    const wrong = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    const res = await fetch(`http://127.0.0.1:${daemon.port}/local/hello`, { headers: { 'X-Tokenwarden-Key': wrong } });
    expect(res.status).toBe(401);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: expect.any(String) } });
    expect(seen.length).toBe(before);
  });

  it('forward proxy: `tkw exec` gives curl a working HTTP_PROXY', async () => {
    const before = seen.length;
    const result = await cli.run(['exec', 'local', '--', 'curl', '-sS', '--fail', `http://127.0.0.1:${upstreamPort}/via-exec`]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ path: '/via-exec' });
    expect(seen.length).toBe(before + 1);
    expect(seen.at(-1)?.authorization).toBe(`Bearer ${CANARY}`);
    expect(seen.at(-1)?.['proxy-authorization']).toBeUndefined();
  });

  it('S6 `tkw lock` makes the proxy answer 423 with 0 upstream calls; `tkw unlock` restores it', async () => {
    const key = await proxyKey();
    expect((await cli.run(['lock'])).code).toBe(0);
    const before = seen.length;
    const locked = await fetch(`http://127.0.0.1:${daemon.port}/local/hello`, { headers: { 'X-Tokenwarden-Key': key } });
    expect(locked.status).toBe(423);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('ERR_LOCKED');
    expect(seen.length).toBe(before);
    expect((await cli.run(['unlock'])).code).toBe(0);
    const open = await fetch(`http://127.0.0.1:${daemon.port}/local/hello`, { headers: { 'X-Tokenwarden-Key': key } });
    expect(open.status).toBe(200);
    expect(seen.length).toBe(before + 1);
  });

  it('P3 `tkw proxy-key --rotate` retires the old key at once', async () => {
    const oldKey = await proxyKey();
    const rotated = await cli.run(['proxy-key', '--rotate']);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).not.toContain(oldKey);
    const newKey = await proxyKey();
    expect(newKey).not.toBe(oldKey);
    const before = seen.length;
    expect((await fetch(`http://127.0.0.1:${daemon.port}/local/x`, { headers: { 'X-Tokenwarden-Key': oldKey } })).status).toBe(401);
    expect(seen.length).toBe(before);
    expect((await fetch(`http://127.0.0.1:${daemon.port}/local/x`, { headers: { 'X-Tokenwarden-Key': newKey } })).status).toBe(200);
  });
});
