/**
 * What a `tkw exec` child can reach besides its own credential. Without a sandbox it is a same-user process:
 * it gets no Tokenwarden setting (X1), yet one that names the data dir itself can still ask the owner for
 * anything. Under `--sandbox` (bubblewrap) the data dir, the control socket and the owner's /proc are gone
 * while its own requests still go through the proxy (X2); with no usable bubblewrap nothing runs (X3).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { BIN, cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { spawnCli } from '../../fixtures/cli-spawn.ts';
import { hasProgram } from '../../fixtures/has-program.ts';
import { authorizationsOf, makeTlsMaterial, startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const MINE = 'tkwcanary_sandbox_mine_4f8e2a61';
const OTHER = 'tkwcanary_sandbox_other_9b3c7d05';
// Installed is not enough: where user namespaces are blocked (some CI runners), bwrap is there but cannot run, and
// --sandbox then refuses, which the X3 tests below cover.
const HAS_BWRAP = hasProgram('bwrap') && spawnSync('bwrap', ['--dev-bind', '/', '/', '--unshare-pid', '--proc', '/proc', 'true']).status === 0;
let cli: CliEnv;
let daemon: DaemonHandle;
let mine: TestUpstream;
let other: TestUpstream;
let scratch: string;
let home: string;

/** Run inside the child: one probe of what a hostile child would try, printed as JSON. */
const PROBE = `
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const [what, bin, home] = process.argv.slice(1);
const report = (value) => process.stdout.write(JSON.stringify(value));
// The child is not told where the data dir is (X1), so it names the path itself, as an attacker would.
const tkw = (...args) => {
  const r = spawnSync(process.execPath, [bin, ...args], { env: { ...process.env, TOKENWARDEN_HOME: home }, encoding: 'utf8', input: '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const attempt = (fn) => { try { return fn(); } catch (e) { return e.code; } };
if (what === 'token') report(tkw('token', 'other'));
else if (what === 'proxy-key') report(tkw('proxy-key', '--print'));
else if (what === 'ls') report({ entries: attempt(() => fs.readdirSync(home)), vault: attempt(() => fs.readFileSync(home + '/vault.json', 'utf8').length) });
else if (what === 'socket') net.connect(home + '/control.sock').on('connect', () => { report('connected'); process.exit(0); }).on('error', (e) => report(e.code));
else if (what === 'proc') report(fs.readdirSync('/proc').filter((n) => /^\\d+$/.test(n)).map((n) => attempt(() => fs.readFileSync('/proc/' + n + '/cmdline', 'utf8').split('\\0').join(' '))));
`;

const probe = (what: string, sandbox = true) => cli.run(['exec', ...(sandbox ? ['--sandbox'] : []), 'mine', '--', process.execPath, '-e', PROBE, what, BIN, home]);
const json = <T>(text: string): T => JSON.parse(text) as T;

beforeAll(async () => {
  const tls = await makeTlsMaterial(['127.0.0.1', 'localhost']);
  mine = await startUpstream({ tls });
  other = await startUpstream();
  // The owner trusts the private upstream's CA, as a user with a corporate CA would; the child trusts ours.
  scratch = mkdtempSync(join(tmpdir(), 'tkw-sandbox-'));
  writeFileSync(join(scratch, 'upstream-ca.pem'), tls.caPem);
  cli = cliEnv({ NODE_EXTRA_CA_CERTS: join(scratch, 'upstream-ca.pem') });
  home = cli.env.TOKENWARDEN_HOME!;
  daemon = await startDaemon(cli);
  for (const [name, up, token] of [['mine', mine, MINE], ['other', other, OTHER]] as const) {
    const added = await cli.run(['add', name, '--host', up.origin, '--allow-insecure-loopback', '--token-stdin'], { input: token });
    expect(added.code, added.stderr).toBe(0);
  }
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await mine?.close();
  await other?.close();
  cli?.cleanup();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('X1 the exec child gets no Tokenwarden setting it does not need', () => {
  const extra = { TOKENWARDEN_DEBUG: '1', TOKENWARDEN_CLI_FAST: '0' };
  const names = (stdout: string) => stdout.split('\n').map((line) => line.split('=')[0]!);

  it('X1 the child\'s `env` has the proxy variables and no TOKENWARDEN_ variable: no HOME, no PASSPHRASE', async () => {
    const run = await cli.run(['exec', 'mine', '--', 'env'], { env: extra });
    expect(run.code, run.stderr).toBe(0);
    expect(names(run.stdout)).toContain('HTTPS_PROXY');
    expect(names(run.stdout).filter((n) => n.toUpperCase().startsWith('TOKENWARDEN_'))).toEqual([]);
  }, 60_000);

  it('X1 with --env-token too; only the Node preload\'s own switch is passed on when set', async () => {
    const run = await cli.run(['exec', 'mine', '--env-token', 'T', '--', 'env'], { env: { ...extra, TOKENWARDEN_ENV_PROXY_PRELOAD: 'always' } });
    expect(run.code, run.stderr).toBe(0);
    expect(names(run.stdout).filter((n) => n.startsWith('TOKENWARDEN_'))).toEqual(['TOKENWARDEN_ENV_PROXY_PRELOAD']);
  }, 60_000);

  it('A6 X1 without --sandbox, a child that names the data dir itself can still get another token: the documented limit', async () => {
    const run = await probe('token', false);
    expect(json<{ code: number; stdout: string }>(run.stdout)).toMatchObject({ code: 0, stdout: `${OTHER}\n` });
  }, 60_000);
});

describe.skipIf(!HAS_BWRAP)('X2 under --sandbox the child sees no data dir, no control socket and no owner process', () => {
  it('X2 `tkw token OTHER` from inside fails and prints no token', async () => {
    const run = await probe('token');
    expect(run.code, run.stderr).toBe(0);
    const inner = json<{ code: number; stdout: string; stderr: string }>(run.stdout);
    expect(inner.code).not.toBe(0);
    expect(inner.stdout).toBe('');
    expect(run.stdout).not.toContain(OTHER);
  }, 60_000);

  it('X2 `tkw proxy-key --print` from inside fails and the master key stays out', async () => {
    const master = decodeURIComponent(new URL(json<Record<string, string>>((await cli.run(['proxy-env', 'mine', '--json'])).stdout).HTTP_PROXY!).password);
    const run = await probe('proxy-key');
    const inner = json<{ code: number; stdout: string }>(run.stdout);
    expect(inner.code).not.toBe(0);
    expect(run.stdout).not.toContain(master);
  }, 60_000);

  it('X2 the data dir reads empty but for the two CA files; vault.json is not there', async () => {
    const seen = json<{ entries: string[]; vault: unknown }>((await probe('ls')).stdout);
    expect(seen.vault).toBe('ENOENT');
    expect([...seen.entries].sort()).toEqual(['ca-bundle.pem', 'ca.pem']);
    // Outside the sandbox nothing changed.
    expect(existsSync(join(home, 'vault.json'))).toBe(true);
  }, 60_000);

  it('X2 connecting to the control socket by its absolute path fails', async () => {
    expect(json<string>((await probe('socket')).stdout)).toBe('ENOENT');
    expect(json<string>((await probe('socket', false)).stdout)).toBe('connected');
  }, 60_000);

  it('X2 /proc shows only the sandbox\'s own processes, not the owner', async () => {
    const cmdlines = json<string[]>((await probe('proc')).stdout);
    expect(cmdlines.length).toBeLessThan(6);
    expect(cmdlines.some((c) => c.includes(' daemon --foreground'))).toBe(false);
    expect(cmdlines.some((c) => c.includes('bwrap'))).toBe(true);
  }, 60_000);

  it('X2 the child\'s own request through the proxy (node fetch, https, our CA bound back) gets 200 and 1 upstream call', async () => {
    const before = mine.calls.length;
    const run = await cli.run(['exec', '--sandbox', 'mine', '--', process.execPath, '-e', 'fetch(process.argv[1]).then(async (r) => process.stdout.write(r.status + " " + await r.text()))', `${mine.origin}/own`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('200 upstream ok');
    expect(mine.calls.length).toBe(before + 1);
    expect(authorizationsOf(mine.calls.at(-1)!)).toEqual([`Bearer ${MINE}`]);
  }, 60_000);

  it.skipIf(!hasProgram('curl'))('X2 curl through HTTPS_PROXY with the CA bundle gets 200 and 1 upstream call', async () => {
    const before = mine.calls.length;
    const run = await cli.run(['exec', '--sandbox', 'mine', '--', 'curl', '-sS', '--fail', '-o', '/dev/null', '-w', '%{http_code}', `${mine.origin}/curl`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('200');
    expect(mine.calls.length).toBe(before + 1);
  }, 60_000);

  it('X2 --env-token under --sandbox: the child has its token and still no data dir', async () => {
    const script = 'let e; try { require("fs").readdirSync(process.argv[1]); e = "listed"; } catch (err) { e = err.code; } process.stdout.write(process.env.T + " " + e)';
    const run = await cli.run(['exec', '--sandbox', 'mine', '--env-token', 'T', '--', process.execPath, '-e', script, join(home, 'audit')]);
    expect(run).toMatchObject({ code: 0, stdout: `${MINE} ENOENT` });
  }, 60_000);

  it('X2 exit codes and signals still propagate: 7 is 7, SIGTERM reaches the command\'s handler, and an unhandled one ends tkw with it', async () => {
    expect((await cli.run(['exec', '--sandbox', 'mine', '--', process.execPath, '-e', 'process.exit(7)'])).code).toBe(7);
    const missing = await cli.run(['exec', '--sandbox', 'mine', '--', 'tkw-no-such-program']);
    expect(missing.code).toBe(127);

    const handled = spawnCli(cli, ['exec', '--sandbox', 'mine', '--', process.execPath, '-e', 'process.on("SIGTERM", () => { process.stdout.write("got TERM"); process.exit(42); }); console.log("ready"); setInterval(() => {}, 1e6)']);
    await handled.waitFor(/ready/);
    handled.child.kill('SIGTERM');
    expect(await handled.exit()).toEqual({ code: 42, signal: null });
    expect(handled.stdout()).toContain('got TERM');

    const plain = spawnCli(cli, ['exec', '--sandbox', 'mine', '--', process.execPath, '-e', 'console.log("ready"); setInterval(() => {}, 1e6)']);
    await plain.waitFor(/ready/);
    plain.child.kill('SIGTERM');
    expect(await plain.exit()).toEqual({ code: null, signal: 'SIGTERM' });
  }, 60_000);
});

describe('X3 --sandbox with no usable bubblewrap refuses and runs nothing', () => {
  const marker = () => join(scratch, `ran-${Math.random().toString(36).slice(2)}`);
  const touch = (file: string) => [process.execPath, '-e', 'require("fs").writeFileSync(process.argv[1], "ran")', file];
  const keyCount = async () => json<unknown[]>((await cli.run(['key', 'list', '--all', '--json'])).stdout).length;

  it('X3 bwrap missing from PATH: ERR_SANDBOX_UNAVAILABLE with the install hint, no marker file, no key minted', async () => {
    const empty = mkdtempSync(join(scratch, 'empty-'));
    const file = marker();
    const keys = await keyCount();
    const run = await cli.run(['exec', '--sandbox', 'mine', '--', ...touch(file)], { env: { PATH: empty } });
    expect(run.code).toBe(exitCodeFor('ERR_SANDBOX_UNAVAILABLE'));
    expect(run.stderr).toContain('apt install bubblewrap');
    expect(run.stderr).toContain('(ERR_SANDBOX_UNAVAILABLE)');
    expect(existsSync(file)).toBe(false);
    expect(await keyCount()).toBe(keys);
  }, 60_000);

  it('X3 a bwrap that fails its self-check (no user namespaces): refused with what bwrap said, no marker file', async () => {
    const dir = mkdtempSync(join(scratch, 'fake-'));
    writeFileSync(join(dir, 'bwrap'), '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(join(dir, 'bwrap'), 0o755);
    const file = marker();
    const run = await cli.run(['exec', '--sandbox', 'mine', '--', ...touch(file)], { env: { PATH: dir } });
    expect(run.code).toBe(exitCodeFor('ERR_SANDBOX_UNAVAILABLE'));
    expect(run.stderr).toContain('setting up uid map: Permission denied');
    expect(existsSync(file)).toBe(false);
  }, 60_000);
});
