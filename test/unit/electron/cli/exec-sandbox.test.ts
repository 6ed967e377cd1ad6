import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BWRAP_INSTALL_HINT, bwrapArgs, checkSandbox, childPidsOf, locateBwrap, parseChildPid, sandboxOutcome, type SandboxPlan } from '../../../../electron/cli/exec-sandbox.ts';
import { TokenwardenError } from '../../../../electron/core/base/errors.ts';

const plan: SandboxPlan = {
  dataDir: '/home/u/.config/tokenwarden',
  socketPaths: ['/home/u/.config/tokenwarden/control.sock'],
  readable: ['/home/u/.config/tokenwarden/ca.pem', '/home/u/.config/tokenwarden/ca-bundle.pem'],
};

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function refusal(fn: () => unknown): TokenwardenError {
  try {
    fn();
  } catch (err) {
    if (err instanceof TokenwardenError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('bwrapArgs', () => {
  it('X2 hides the data dir under a tmpfs, binds back only the CA files, unshares pids with a fresh /proc, and ends with the command', () => {
    expect(bwrapArgs(plan, ['curl', '-sS', 'https://api.github.com'])).toEqual([
      '--dev-bind', '/', '/',
      '--tmpfs', '/home/u/.config/tokenwarden',
      '--ro-bind', '/home/u/.config/tokenwarden/ca.pem', '/home/u/.config/tokenwarden/ca.pem',
      '--ro-bind', '/home/u/.config/tokenwarden/ca-bundle.pem', '/home/u/.config/tokenwarden/ca-bundle.pem',
      '--unshare-pid', '--proc', '/proc', '--die-with-parent', '--new-session',
      '--', 'curl', '-sS', 'https://api.github.com',
    ]);
  });

  it('X2 a control socket outside the data dir gets /dev/null bound over it, after the tmpfs', () => {
    const args = bwrapArgs({ ...plan, socketPaths: ['/run/user/1000/tokenwarden.sock'] }, ['true']);
    const at = args.indexOf('/run/user/1000/tokenwarden.sock');
    expect(args.slice(at - 2, at + 1)).toEqual(['--ro-bind', '/dev/null', '/run/user/1000/tokenwarden.sock']);
    expect(at).toBeGreaterThan(args.indexOf('--tmpfs'));
  });

  it('X2 binds back nothing from outside the data dir (it is visible anyway) and no sibling that only shares the prefix', () => {
    const args = bwrapArgs({ ...plan, readable: ['/etc/ssl/certs/ca-certificates.crt', '/home/u/.config/tokenwarden-other/ca.pem'] }, ['true']);
    expect(args).not.toContain('--ro-bind');
    expect(args.filter((a) => a === '--tmpfs')).toHaveLength(1);
  });

  it('X2 a command that looks like an option stays after --', () => {
    const args = bwrapArgs(plan, ['--tmpfs', '/']);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', '--tmpfs', '/']);
  });
});

describe('locateBwrap and checkSandbox', () => {
  it('X3 refuses on macOS and Windows, naming the platform', () => {
    for (const [platform, name] of [['darwin', 'macOS'], ['win32', 'Windows']] as const) {
      const err = refusal(() => locateBwrap({ PATH: '/usr/bin:/bin' }, platform));
      expect(err.code).toBe('ERR_SANDBOX_UNAVAILABLE');
      expect(err.message).toContain(name);
      expect(err.message).toContain('not run');
    }
  });

  it('X3 refuses when bwrap is not on PATH, with the install hint', () => {
    const empty = mkdtempSync(join(tmpdir(), 'tkw-nobwrap-'));
    dirs.push(empty);
    const err = refusal(() => locateBwrap({ PATH: empty }, 'linux'));
    expect(err.code).toBe('ERR_SANDBOX_UNAVAILABLE');
    expect(err.message).toContain('apt install bubblewrap');
    expect(err.message).toContain(BWRAP_INSTALL_HINT);
  });

  it('X3 a bwrap that cannot create namespaces fails the self-check, and the refusal says what bwrap said', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tkw-badbwrap-'));
    dirs.push(dir);
    const fake = join(dir, 'bwrap');
    writeFileSync(fake, '#!/bin/sh\necho "bwrap: setting up uid map: Permission denied" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    expect(locateBwrap({ PATH: dir }, 'linux')).toBe(fake);
    const err = refusal(() => checkSandbox(fake, plan, { PATH: dir }));
    expect(err.code).toBe('ERR_SANDBOX_UNAVAILABLE');
    expect(err.message).toContain('setting up uid map: Permission denied');
    expect(err.message).toContain('user namespaces');
  });
});

describe('signals and exit status', () => {
  it('X2 reads the init pid from the first --json-status-fd line and ignores anything else', () => {
    expect(parseChildPid('{ "child-pid": 4242, "cgroup-namespace": 4026531835 }')).toBe(4242);
    expect(parseChildPid('{ "exit-code": 3 }')).toBeUndefined();
    expect(parseChildPid('not json')).toBeUndefined();
    expect(parseChildPid('{ "child-pid": "1" }')).toBeUndefined();
  });

  it('X2 finds the children of a process (the command under bwrap\'s init) from /proc', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)'], { stdio: 'ignore' });
    try {
      expect(childPidsOf(process.pid)).toContain(child.pid);
      expect(childPidsOf(child.pid!)).toEqual([]);
    } finally {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }
  });

  it('X2 128+n after forwarding signal n is that signal; any other code is the command\'s own', () => {
    expect(sandboxOutcome(143, null, 'SIGTERM')).toEqual({ code: 143, signal: 'SIGTERM' });
    expect(sandboxOutcome(143, null, undefined)).toEqual({ code: 143, signal: null });
    expect(sandboxOutcome(42, null, 'SIGTERM')).toEqual({ code: 42, signal: null });
    expect(sandboxOutcome(7, null, undefined)).toEqual({ code: 7, signal: null });
    // bwrap itself killed (a signal before the sandbox was up): its own signal.
    expect(sandboxOutcome(null, 'SIGINT', 'SIGINT')).toEqual({ code: 1, signal: 'SIGINT' });
  });
});
