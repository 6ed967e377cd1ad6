import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync, statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { exitCodeFor } from '../../../shared/errors.ts';
import { CredentialSummary, ShowOutput, VaultStatus } from '../../../shared/model.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { startDaemon } from '../../fixtures/cli-run.ts';

const CANARY = 'tkwcanary_daemon_4b1d9e0c7a2f';
const { setup, daemon } = useCliHomes();

describe('CLI with a running daemon', () => {
  it('routes every command through the control socket and keeps the --json contract', async () => {
    const cli = setup();
    const d = await daemon(cli);
    const add = await cli.run(['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { input: CANARY });
    expect(add.code).toBe(0);
    const list = await cli.run(['list', '--json']);
    expect(z.array(CredentialSummary).parse(JSON.parse(list.stdout)).map((s) => s.name)).toEqual(['github']);
    const show = ShowOutput.parse(JSON.parse((await cli.run(['show', 'github', '--json'])).stdout));
    expect(show.tokenTail).toBe(CANARY.slice(-4));
    const status = VaultStatus.parse(JSON.parse((await cli.run(['status', '--json'])).stdout));
    expect(status).toMatchObject({ locked: false, ownerPid: d.child.pid, proxy: { port: d.port }, credentialCount: 1 });
    // The daemon's own memory, not this CLI's: the CLI process never runs a proxy.
    expect(status.memory!.heapUsedBytes).toBeGreaterThan(0);
    expect(status.memory!.rssBytes).toBeGreaterThan(status.memory!.heapUsedBytes);
    expect((await cli.run(['status'])).stdout).toMatch(/^memory {6}[\d.]+ MiB resident, JS heap [\d.]+ MiB of [\d.]+ MiB$/m);
    const local = await cli.run(['status', '--json'], { env: { TOKENWARDEN_HOME: join(cli.home, 'no-owner') } });
    expect(VaultStatus.parse(JSON.parse(local.stdout)).memory).toBeUndefined();
    expect((await cli.run(['token', 'github'])).stdout).toBe(`${CANARY}\n`);
    expect(statSync(join(cli.env.TOKENWARDEN_HOME!, 'control.sock')).mode & 0o777).toBe(0o600);
  });

  it('starting a second daemon is a no-op that exits 0 and names the running pid', async () => {
    const cli = setup();
    const d = await daemon(cli);
    for (const args of [['daemon', '--foreground', '--port', '0'], ['daemon', '--port', '0']]) {
      const second = await cli.run(args);
      expect(second).toMatchObject({ code: 0, stderr: '' });
      expect(second.stdout).toContain(`already running (pid ${d.child.pid})`);
    }
    expect((await cli.run(['list', '--json'])).code).toBe(0);
  });

  it('survives a malformed message and a 10 MB line on the socket', async () => {
    const cli = setup();
    await daemon(cli);
    const socketPath = join(cli.env.TOKENWARDEN_HOME!, 'control.sock');
    for (const payload of ['{not json\n', `${'x'.repeat(10 * 1024 * 1024)}\n`]) {
      const socket = createConnection(socketPath);
      socket.on('error', () => undefined);
      socket.write(payload);
      // Each abuse gets a coded JSON-RPC error line back instead of a crash.
      const [answer] = (await once(socket, 'data')) as [Buffer];
      expect(answer.toString()).toMatch(/"code":"(ERR_PROTOCOL|ERR_TOO_LARGE)"/);
      socket.destroy();
    }
    expect((await cli.run(['list', '--json'])).code).toBe(0);
  });

  it('exits cleanly on SIGTERM and the data persists', async () => {
    const cli = setup();
    const d = await startDaemon(cli);
    expect((await cli.run(['add', 'kept', '--host', 'https://api.example.com', '--token-stdin'], { input: 'kept_token_value_123' })).code).toBe(0);
    expect(await d.stop()).toBe(0);
    expect(d.output()).toMatch(/stopped/);
    const list = await cli.run(['list', '--json']);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name)).toEqual(['kept']);
  });

  it('starts over a stale socket file and a stale owner lock', async () => {
    const cli = setup();
    const home = cli.env.TOKENWARDEN_HOME!;
    expect((await cli.run(['status'])).code).toBe(0); // creates the data dir
    // A socket left behind by a process killed with -9, and a lock naming a dead pid.
    const stale = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(join(home, 'control.sock'))}, () => console.log('up'))`]);
    await once(stale.stdout, 'data');
    stale.kill('SIGKILL');
    await once(stale, 'exit');
    writeFileSync(join(home, 'owner.lock'), JSON.stringify({ pid: stale.pid, role: 'daemon', socketPath: join(home, 'control.sock'), startedAt: new Date().toISOString() }), { mode: 0o600 });
    await daemon(cli);
    expect((await cli.run(['list', '--json'])).code).toBe(0);
  });

  it('A6 exec runs a real child with the proxy environment, a scoped key and its exit code', async () => {
    const cli = setup();
    const d = await daemon(cli);
    await cli.run(['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { input: CANARY });
    const script = "const e=process.env;console.log(JSON.stringify({HTTPS_PROXY:e.HTTPS_PROXY,http_proxy:e.http_proxy,NO_PROXY:e.NO_PROXY,NODE_EXTRA_CA_CERTS:e.NODE_EXTRA_CA_CERTS,SSL_CERT_FILE:e.SSL_CERT_FILE}));process.exit(7)";
    const result = await cli.run(['exec', 'github', '--', process.execPath, '-e', script]);
    expect(result.code).toBe(7);
    const env = JSON.parse(result.stdout) as Record<string, string>;
    const proxy = new URL(env.HTTPS_PROXY!);
    expect(proxy.username).toBe('github');
    expect(proxy.host).toBe(`127.0.0.1:${d.port}`);
    const printed = JSON.parse((await cli.run(['proxy-env', 'github', '--json'])).stdout) as Record<string, string>;
    // A6: the child gets a fresh access key scoped to its credential, never the master key that proxy-env prints.
    expect(decodeURIComponent(proxy.password)).toMatch(/^twk_[A-Za-z0-9_-]{40,}$/);
    expect(new URL(printed.HTTPS_PROXY!).password.length).toBeGreaterThanOrEqual(22); // >= 128 bits, base64url (P3)
    expect(new URL(printed.HTTPS_PROXY!).password).not.toBe(proxy.password);
    expect(env.http_proxy).toBe(env.HTTPS_PROXY);
    expect(env.NO_PROXY).toContain('127.0.0.1');
    expect(env.NODE_EXTRA_CA_CERTS).toMatch(/ca\.pem$/);
    expect(env.SSL_CERT_FILE).toMatch(/ca-bundle\.pem$/);
    expect(result.stdout).not.toContain(CANARY);
  });

  it('exec --env-token puts the token in the named variable', async () => {
    const cli = setup();
    await cli.run(['add', 'github', '--host', 'https://api.github.com', '--token-stdin'], { input: CANARY });
    const result = await cli.run(['exec', 'github', '--env-token', 'GH_TOKEN', '--', process.execPath, '-e', 'process.stdout.write(process.env.GH_TOKEN + "|" + process.env.TOKENWARDEN_PASSPHRASE)']);
    // S7: the child gets the one token it asked for, never the passphrase that opens the vault.
    expect(result).toMatchObject({ code: 0, stdout: `${CANARY}|undefined` });
  });
});

describe('CLI without a daemon', () => {
  it('two concurrent writers never lose an update', async () => {
    const cli = setup();
    const names = Array.from({ length: 4 }, (_, i) => `svc-${i}`);
    const results = await Promise.all(names.map((n) => cli.run(['add', n, '--host', `https://${n}.example.com`, '--token-stdin'], { input: `token_for_${n}_abcdef` })));
    expect(results.map((r) => r.code)).toEqual(names.map(() => 0));
    const list = JSON.parse((await cli.run(['list', '--json'])).stdout) as { name: string }[];
    expect(list.map((s) => s.name).sort()).toEqual(names);
  });

  it('proxy-env needs a running owner', async () => {
    const cli = setup();
    const result = await cli.run(['proxy-env', 'github']);
    expect(result.code).toBe(exitCodeFor('ERR_DAEMON_UNREACHABLE'));
  });
});
