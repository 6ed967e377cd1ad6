/**
 * Every common runtime goes through the proxy: `tkw exec` and `eval "$(tkw proxy-env)"` must make Node's
 * fetch and http, Python's urllib, curl and git send their requests via Tokenwarden (which adds the token),
 * to a counting upstream over plain http (loopback, with consent) and over https (CONNECT + our CA).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { hasProgram } from '../../fixtures/has-program.ts';
import { authorizationsOf, makeTlsMaterial, startUpstream, type TestUpstream, type UpstreamCall } from '../../fixtures/proxy-upstream.ts';

const CANARY = 'tkwcanary_runtimes_5d1e9b2a';
let cli: CliEnv;
let daemon: DaemonHandle;
let plain: TestUpstream;
let secure: TestUpstream;

/** Each client prints the upstream's body; `url` is the full target. */
const CLIENTS: Record<string, { available: boolean; argv: (url: string) => string[] }> = {
  'node fetch': { available: true, argv: (url) => [process.execPath, '-e', 'fetch(process.argv[1]).then(r=>r.text()).then(t=>process.stdout.write(t))', url] },
  'node http': {
    available: true,
    argv: (url) => [
      process.execPath,
      '-e',
      'const u=process.argv[1];require(u.startsWith("https")?"https":"http").get(u,(r)=>{r.setEncoding("utf8");r.on("data",(d)=>process.stdout.write(d))}).on("error",(e)=>{console.error(e.code);process.exit(3)})',
      url,
    ],
  },
  'python urllib': { available: hasProgram('python3'), argv: (url) => ['python3', '-c', 'import sys,urllib.request;sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())', url] },
  curl: { available: hasProgram('curl'), argv: (url) => ['curl', '-sS', '--fail', url] },
  // git gets a plain-text answer, not a repository: what matters is that its request carried our token.
  git: { available: hasProgram('git'), argv: (url) => ['git', '-c', 'credential.helper=', 'ls-remote', `${url}/repo.git`] },
};

const body = (call: UpstreamCall): string => `hello ${call.url}`;

beforeAll(async () => {
  const tls = await makeTlsMaterial(['127.0.0.1', 'localhost']);
  const handler = (_req: unknown, res: ServerResponse, call: UpstreamCall) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(body(call));
  };
  plain = await startUpstream({ handler });
  secure = await startUpstream({ tls, handler });
  // The owner trusts the private upstream through NODE_EXTRA_CA_CERTS, as a user with a corporate CA would.
  const caDir = mkdtempSync(join(tmpdir(), 'tkw-upstream-ca-'));
  writeFileSync(join(caDir, 'upstream-ca.pem'), tls.caPem);
  cli = cliEnv({ NODE_EXTRA_CA_CERTS: join(caDir, 'upstream-ca.pem'), GIT_TERMINAL_PROMPT: '0' });
  daemon = await startDaemon(cli);
  const added = await cli.run(['add', 'local', '--host', plain.origin, '--host', secure.origin, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY });
  expect(added.code, added.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await plain?.close();
  await secure?.close();
  expect(cli.transcript.join('\n')).not.toContain(CANARY);
  cli.cleanup();
});

/** Runs argv with `env` (the proxy-env variables over the test's base environment). */
async function runWith(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stdout, stderr };
}

function expectInjected(upstream: TestUpstream, before: number, path: string): void {
  const calls = upstream.calls.slice(before);
  expect(calls.length).toBeGreaterThanOrEqual(1);
  expect(calls[0]!.url.startsWith(path)).toBe(true);
  for (const call of calls) expect(authorizationsOf(call)).toEqual([`Bearer ${CANARY}`]);
}

describe('P6 every runtime goes through the proxy', () => {
  for (const [client, spec] of Object.entries(CLIENTS)) {
    for (const scheme of ['http', 'https'] as const) {
      it.skipIf(!spec.available)(`tkw exec: ${client} over ${scheme}`, async () => {
        const upstream = scheme === 'http' ? plain : secure;
        const before = upstream.calls.length;
        const path = `/exec-${client.replace(/\W/g, '-')}`;
        const result = await cli.run(['exec', 'local', '--', ...spec.argv(`${upstream.origin}${path}`)]);
        if (client !== 'git') {
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout).toBe(`hello ${path}`);
        }
        expectInjected(upstream, before, path);
      });

      it.skipIf(!spec.available)(`tkw proxy-env: ${client} over ${scheme}`, async () => {
        const upstream = scheme === 'http' ? plain : secure;
        const printed = await cli.run(['proxy-env', 'local', '--json']);
        expect(printed.code, printed.stderr).toBe(0);
        const env = { ...cli.env, TOKENWARDEN_PASSPHRASE: undefined, ...(JSON.parse(printed.stdout) as Record<string, string>) };
        const before = upstream.calls.length;
        const path = `/env-${client.replace(/\W/g, '-')}`;
        const result = await runWith(spec.argv(`${upstream.origin}${path}`), env);
        if (client !== 'git') {
          expect(result.code, result.stderr).toBe(0);
          expect(result.stdout).toBe(`hello ${path}`);
        }
        expectInjected(upstream, before, path);
      });
    }
  }

  it('the Node preload routes fetch through the proxy on a Node that ignores NODE_USE_ENV_PROXY', async () => {
    const printed = JSON.parse((await cli.run(['proxy-env', 'local', '--json'])).stdout) as Record<string, string>;
    expect(printed.NODE_USE_ENV_PROXY).toBe('1');
    expect(printed.NODE_OPTIONS).toMatch(/--require .*node-env-proxy\.cjs/);
    // Without NODE_USE_ENV_PROXY, Node 24 behaves like Node 22.18: only the preload can route fetch.
    const env: NodeJS.ProcessEnv = { ...cli.env, ...printed, TOKENWARDEN_ENV_PROXY_PRELOAD: 'always' };
    delete env.NODE_USE_ENV_PROXY;
    for (const upstream of [plain, secure]) {
      const before = upstream.calls.length;
      const result = await runWith(CLIENTS['node fetch']!.argv(`${upstream.origin}/preload`), env);
      expect(result.code, result.stderr).toBe(0);
      expectInjected(upstream, before, '/preload');
    }
  });

  it('sets the CA variables the common tools read, all naming files the owner wrote', async () => {
    const printed = JSON.parse((await cli.run(['proxy-env', 'local', '--json'])).stdout) as Record<string, string>;
    for (const name of ['SSL_CERT_FILE', 'CURL_CA_BUNDLE', 'REQUESTS_CA_BUNDLE', 'GIT_SSL_CAINFO', 'AWS_CA_BUNDLE', 'PIP_CERT', 'CLOUDSDK_CORE_CUSTOM_CA_CERTS_FILE', 'DENO_CERT']) {
      expect(printed[name], name).toBe(join(cli.env.TOKENWARDEN_HOME!, 'ca-bundle.pem'));
    }
    expect(printed.NODE_EXTRA_CA_CERTS).toBe(join(cli.env.TOKENWARDEN_HOME!, 'ca.pem'));
  });
});
