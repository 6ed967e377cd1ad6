import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectControl } from '../../../electron/core/control/index.ts';
import type { AppEvent } from '../../../shared/model.ts';
import { exitCodeFor } from '../../../shared/errors.ts';
import { BIN, cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

let cli: CliEnv;
let daemon: DaemonHandle;
let mine: TestUpstream;
let other: TestUpstream;

beforeAll(async () => {
  mine = await startUpstream();
  other = await startUpstream();
  cli = cliEnv();
  daemon = await startDaemon(cli);
  for (const [name, up] of [['mine', mine], ['other', other]] as const) {
    const added = await cli.run(['add', name, '--host', up.origin, '--allow-insecure-loopback', '--token-stdin', '--methods', 'GET,POST'], { input: `tkwcanary_${name}_0123456789` });
    expect(added.code).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await mine?.close();
  await other?.close();
  cli?.cleanup();
});

/** A child script: prints its proxy key, then calls `target` through the forward proxy as credential `as`. */
const CHILD = `
const http = require('node:http');
const proxy = new URL(process.env.HTTP_PROXY);
const target = new URL(process.argv[1]);
require('node:fs').writeFileSync(process.argv[3], decodeURIComponent(proxy.password));
const auth = Buffer.from(process.argv[2] + ':' + decodeURIComponent(proxy.password)).toString('base64');
const req = http.request({ host: proxy.hostname, port: proxy.port, path: target.href, headers: { host: target.host, 'proxy-authorization': 'Basic ' + auth } }, (res) => {
  let body = '';
  res.on('data', (c) => (body += c));
  res.on('end', () => { console.log(JSON.stringify({ status: res.statusCode, body })); });
});
req.end();
`;

describe('A6 tkw exec gives the child a scoped access key, revoked when it exits', () => {
  it('A6 the child holds a twk_ key (never the master key) for NAME only: another credential is refused with 0 upstream calls, and after exit the key gets 401', async () => {
    const keyFile = join(cli.home, 'child-key');
    const before = other.calls.length;
    const run = await cli.run(['exec', 'mine', '--', process.execPath, '-e', CHILD, `${other.origin}/steal`, 'other', keyFile]);
    expect(run.code).toBe(0);
    const seen = JSON.parse(run.stdout) as { status: number; body: string };
    expect(seen.status).toBe(403);
    expect(JSON.parse(seen.body).error.code).toBe('ERR_KEY_SCOPE');
    expect(other.calls.length).toBe(before);

    const childKey = readFileSync(keyFile, 'utf8');
    expect(childKey).toMatch(/^twk_/);
    const master = JSON.parse((await cli.run(['proxy-env', 'mine', '--json'])).stdout) as Record<string, string>;
    expect(childKey).not.toBe(decodeURIComponent(new URL(master.HTTP_PROXY!).password));

    const after = await fetch(`http://127.0.0.1:${daemon.port}/mine/x`, { headers: { 'X-Tokenwarden-Key': childKey } });
    expect(after.status).toBe(401);
    expect(((await after.json()) as { error: { code: string } }).error.code).toBe('ERR_KEY_REVOKED');
    const listed = JSON.parse((await cli.run(['key', 'list', '--all', '--json'])).stdout) as { label: string; status: string }[];
    const execKeys = listed.filter((k) => k.label.startsWith('exec '));
    expect(execKeys.length).toBeGreaterThan(0);
    expect(execKeys.every((k) => k.status === 'revoked')).toBe(true);
  }, 60_000);

  it('A6 a SIGKILL of tkw exec still ends the child\'s key: the owner revokes it when the control connection closes', async () => {
    const keyFile = join(cli.home, 'killed-key');
    // The child saves its key, says so, and then outlives the tkw that started it.
    const child = `require('node:fs').writeFileSync(process.argv[1], decodeURIComponent(new URL(process.env.HTTP_PROXY).password)); console.log('pid', process.pid); setInterval(() => {}, 1e6);`;
    const exec = spawn(process.execPath, [BIN, 'exec', 'mine', '--', process.execPath, '-e', child, keyFile], { env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const [line] = (await once(exec.stdout, 'data')) as [Buffer];
    const childPid = Number(/pid (\d+)/.exec(line.toString())![1]);
    try {
      const key = readFileSync(keyFile, 'utf8');
      const before = await fetch(`http://127.0.0.1:${daemon.port}/mine/alive`, { headers: { 'X-Tokenwarden-Key': key } });
      expect(before.status).toBe(200);

      const events = await connectControl(`${cli.env.TOKENWARDEN_HOME}/control.sock`);
      let onRevoked!: () => void;
      const revoked = new Promise<void>((resolve) => (onRevoked = resolve));
      await events.onEvent((event: AppEvent) => {
        if (event.type === 'audit' && event.entries.some((e) => e.action === 'key-revoke' && e.detail === 'its command disconnected')) onRevoked();
      });
      exec.kill('SIGKILL');
      const deadline = new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no key-revoke within 15 s of killing tkw exec')), 15_000).unref());
      await Promise.race([revoked, deadline]);
      events.close();

      const after = await fetch(`http://127.0.0.1:${daemon.port}/mine/after-kill`, { headers: { 'X-Tokenwarden-Key': key } });
      expect(after.status).toBe(401);
      expect(((await after.json()) as { error: { code: string } }).error.code).toBe('ERR_KEY_REVOKED');
    } finally {
      process.kill(childPid, 'SIGKILL');
    }
  }, 60_000);

  it('A6 the child can use its own credential through the proxy', async () => {
    const before = mine.calls.length;
    const run = await cli.run(['exec', 'mine', '--', process.execPath, '-e', CHILD, `${mine.origin}/ok`, 'mine', join(cli.home, 'k2')]);
    expect(JSON.parse(run.stdout).status).toBe(200);
    expect(mine.calls.length).toBe(before + 1);
  }, 60_000);

  it('A6 proxy-env NAME --scoped --ttl prints a twk_ key for NAME, not the master key', async () => {
    const run = await cli.run(['proxy-env', 'mine', '--scoped', '--ttl', '10m', '--json']);
    expect(run.code).toBe(0);
    const env = JSON.parse(run.stdout) as Record<string, string>;
    const key = decodeURIComponent(new URL(env.HTTP_PROXY!).password);
    expect(key).toMatch(/^twk_/);
    expect(run.stderr).toMatch(/tkw key revoke ak_/);
    const scoped = await fetch(`http://127.0.0.1:${daemon.port}/other/x`, { headers: { 'X-Tokenwarden-Key': key } });
    expect(scoped.status).toBe(403);
  }, 60_000);
});

describe('tkw key and tkw policy', () => {
  it('A5 key create --json has exactly id, key, for, expiresAt, usesLeft, label; the key works once', async () => {
    const run = await cli.run(['key', 'create', '--for', 'mine', '--uses', '1', '--ttl', '10m', '--label', 'ci job', '--json']);
    expect(run.code).toBe(0);
    const created = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(created).sort()).toEqual(['expiresAt', 'for', 'id', 'key', 'label', 'usesLeft']);
    expect(created).toMatchObject({ for: ['mine'], usesLeft: 1, label: 'ci job' });
    const first = await fetch(`http://127.0.0.1:${daemon.port}/mine/once`, { headers: { 'X-Tokenwarden-Key': created.key as string } });
    const second = await fetch(`http://127.0.0.1:${daemon.port}/mine/twice`, { headers: { 'X-Tokenwarden-Key': created.key as string } });
    expect([first.status, second.status]).toEqual([200, 401]);
    // Used up, so only --all lists it.
    const list = await cli.run(['key', 'list', '--all']);
    expect(list.stdout).toMatch(new RegExp(`${created.id as string}\\s+mine\\s+used-up`));
    expect(list.stdout).not.toContain((created.key as string).slice(4, 20));
  }, 60_000);

  it('tkw policy changes apply to the next request through the daemon', async () => {
    expect((await cli.run(['policy', 'mine', '--methods', 'GET'])).code).toBe(0);
    const post = await fetch(`http://127.0.0.1:${daemon.port}/mine/x`, { method: 'POST', headers: { 'X-Tokenwarden-Key': await masterKey() } });
    expect(post.status).toBe(403);
    expect(((await post.json()) as { error: { rule: string } }).error.rule).toBe('methods');
    expect((await cli.run(['policy', 'mine', '--clear'])).stdout).toContain('no limits');
  }, 60_000);

  it.each([
    [['policy', 'mine', '--rate', '0/s'], 'ERR_INVALID_INPUT', '--rate'],
    [['policy', 'mine', '--rate', 'banana'], 'ERR_INVALID_INPUT', '--rate'],
    [['policy', 'mine', '--paths', 'repos/*'], 'ERR_INVALID_INPUT', '--paths'],
    [['key', 'create', '--for', 'mine', '--uses', '0'], 'ERR_INVALID_INPUT', '--uses'],
    [['key', 'create', '--for', 'mine', '--ttl', '-1'], 'ERR_INVALID_INPUT', '--ttl'],
    [['key', 'create', '--for', 'nobody'], 'ERR_NOT_FOUND', 'nobody'],
    [['key', 'revoke', 'ak_unknown0000'], 'ERR_NOT_FOUND', 'ak_unknown0000'],
    [['policy', 'mine', '--clear', '--rate', '1/s'], 'ERR_USAGE', '--clear'],
    [['policy', 'mine', '--methods', 'FETCH'], 'ERR_INVALID_INPUT', '--methods: Unknown method FETCH. Known methods are GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS and TRACE.'],
    [['key', 'create', '--for', 'mine', '--methods', 'get,FETCH'], 'ERR_INVALID_INPUT', '--methods: Unknown method FETCH. Known methods are GET'],
    [['add', 'fetcher', '--host', 'https://api.example.com', '--token-stdin', '--methods', 'FETCH'], 'ERR_INVALID_INPUT', '--methods: Unknown method FETCH'],
    [['key', 'create', '--for', 'mine', '--ttl', '15'], 'ERR_USAGE', '--ttl: 15 has no unit: 15s or 15m?'],
    [['proxy-env', 'mine', '--scoped', '--ttl', '15'], 'ERR_USAGE', '--ttl: 15 has no unit: 15s or 15m?'],
    [['exec', 'mine', '--ttl', '15', '--', 'true'], 'ERR_USAGE', '--ttl: 15 has no unit: 15s or 15m?'],
    [['add', 'timed', '--host', 'https://api.example.com', '--token-stdin', '--expires-in', '15'], 'ERR_USAGE', '--expires-in: 15 has no unit: 15s or 15m?'],
    [['rotate', 'mine', '--token-stdin', '--expires-in', '3600'], 'ERR_USAGE', '--expires-in: 3600 has no unit: 3600s or 3600m?'],
    [['add', 'timed', '--host', 'https://api.example.com', '--token-stdin', '--expires-in', 'soon'], 'ERR_INVALID_INPUT', '--expires-in: The lifetime is a positive duration'],
  ])('bad input %j -> %s', async (args, code, mention) => {
    const run = await cli.run(args);
    expect(run.code).toBe(exitCodeFor(code as 'ERR_INVALID_INPUT'));
    expect(run.stderr).toContain(`(${code})`);
    expect(run.stderr).toContain(mention);
    expect(run.stderr).not.toMatch(/\b0: |Invalid input/);
  }, 60_000);

  it('--methods GET,post is stored as GET,POST; FETCH above was refused and stored nothing', async () => {
    const set = await cli.run(['policy', 'mine', '--methods', 'GET,post', '--json']);
    expect(set.code).toBe(0);
    expect(JSON.parse(set.stdout)).toMatchObject({ policy: { methods: ['GET', 'POST'] } });
    expect((await cli.run(['show', 'fetcher'])).code).toBe(exitCodeFor('ERR_NOT_FOUND'));
    expect((await cli.run(['policy', 'mine', '--clear'])).code).toBe(0);
  }, 60_000);

  it('key create --ttl 15m says "expires in 15m" and key list counts down, never "just now"', async () => {
    const run = await cli.run(['key', 'create', '--for', 'mine', '--ttl', '15m', '--label', 'fifteen']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('expires in 15m)');
    const row = (await cli.run(['key', 'list'])).stdout.split('\n').find((line) => line.includes('fifteen'));
    expect(row).toMatch(/\bin 1[45]m( \d+s)?\s+fifteen$/);
    expect(row).not.toContain('just now');
  }, 60_000);

  it('add and rotate --expires-in take units like every duration flag', async () => {
    const before = Date.now();
    const added = await cli.run(['add', 'timed', '--host', mine.origin, '--allow-insecure-loopback', '--token-stdin', '--expires-in', '2h'], { input: 'opaque_timed_0123456789' });
    expect(added.code).toBe(0);
    const expiresAt = Date.parse((JSON.parse((await cli.run(['show', 'timed', '--json'])).stdout) as { expiresAt: string }).expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7_200_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7_200_000 + 1000);
    const rotated = await cli.run(['rotate', 'timed', '--token-stdin', '--expires-in', '7d'], { input: 'opaque_timed_abcdefghij' });
    expect(rotated.code).toBe(0);
    const rotatedAt = Date.parse((JSON.parse((await cli.run(['show', 'timed', '--json'])).stdout) as { expiresAt: string }).expiresAt);
    expect(rotatedAt).toBeGreaterThanOrEqual(before + 7 * 86_400_000 - 1000);
    expect((await cli.run(['rm', 'timed', '--yes'])).code).toBe(0);
  }, 60_000);

  it('A6 key list shows active keys only; --all (and --json --all) adds the revoked keys every tkw exec leaves', async () => {
    const live = JSON.parse((await cli.run(['key', 'create', '--for', 'mine', '--label', 'live one', '--json'])).stdout) as { id: string };
    const ended = JSON.parse((await cli.run(['key', 'create', '--for', 'mine', '--label', 'ended one', '--json'])).stdout) as { id: string };
    expect((await cli.run(['key', 'revoke', ended.id])).code).toBe(0);

    const table = (await cli.run(['key', 'list'])).stdout;
    expect(table).toContain(live.id);
    expect(table).not.toContain(ended.id);
    expect(table).not.toMatch(/revoked|exec /);
    const json = JSON.parse((await cli.run(['key', 'list', '--json'])).stdout) as { id: string; status: string }[];
    expect(json.map((k) => k.id)).toContain(live.id);
    expect(json.every((k) => k.status === 'active')).toBe(true);

    const all = await cli.run(['key', 'list', '--all']);
    expect(all.stdout).toContain(ended.id);
    expect(all.stdout).toMatch(/exec .*$/m);
    const allJson = JSON.parse((await cli.run(['key', 'list', '--all', '--json'])).stdout) as { id: string; status: string; label: string | null }[];
    expect(allJson.find((k) => k.id === ended.id)?.status).toBe('revoked');
    expect(allJson.some((k) => k.label?.startsWith('exec ') && k.status === 'revoked')).toBe(true);
    expect((await cli.run(['key', 'list', '--help'])).stdout).toMatch(/--all\s+also list revoked, expired and used-up keys/);
  }, 60_000);

  it('revoking a revoked key says so with ERR_KEY_REVOKED', async () => {
    const created = JSON.parse((await cli.run(['key', 'create', '--for', 'mine', '--json'])).stdout) as { id: string };
    expect((await cli.run(['key', 'revoke', created.id])).code).toBe(0);
    const again = await cli.run(['key', 'revoke', created.id]);
    expect(again.code).toBe(exitCodeFor('ERR_KEY_REVOKED'));
    expect(again.stderr).toContain('already revoked');
  }, 60_000);
});

async function masterKey(): Promise<string> {
  const env = JSON.parse((await cli.run(['proxy-env', 'mine', '--json'])).stdout) as Record<string, string>;
  return decodeURIComponent(new URL(env.HTTP_PROXY!).password);
}
