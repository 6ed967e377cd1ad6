import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pidIsAlive, readOwnerLock } from '../../../electron/core/vault/owner-lock.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
import { spawnCli } from '../../fixtures/cli-spawn.ts';
import { killGroup } from '../../fixtures/child-exit.ts';
import { OLD_NODE } from '../../fixtures/old-node.ts';
import { dirname } from 'node:path';
import { mkdirSync, readlinkSync, realpathSync, symlinkSync } from 'node:fs';

const ROOT = join(import.meta.dirname, '../../..');
const { cleanups } = useCliHomes();

function setup(extra: NodeJS.ProcessEnv = {}): CliEnv {
  const cli = cliEnv(extra);
  cleanups.push(async () => {
    // Whatever a test left running in this home is stopped the orderly way.
    await cli.run(['daemon', 'stop']);
    cli.cleanup();
  });
  return cli;
}

const home = (cli: CliEnv) => cli.env.TOKENWARDEN_HOME!;

/** Another process's exit has no event here: poll, bounded. */
/** A live process that is not Tokenwarden, named in owner.lock with `fields` (killed after the test). */
async function lockHeldBy(cli: CliEnv, fields: { role: 'daemon' | 'cli'; socketPath?: string }): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  cleanups.push(() => void child.kill('SIGKILL'));
  await once(child, 'spawn');
  writeFileSync(join(home(cli), 'owner.lock'), JSON.stringify({ pid: child.pid, ...fields, startedAt: new Date().toISOString() }), { mode: 0o600 });
  return child;
}

async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 300 && pidIsAlive(pid); i++) await new Promise((r) => setTimeout(r, 50));
  return !pidIsAlive(pid);
}

describe('tkw daemon start|stop|restart|status', () => {
  it('starts in the background, refuses nothing the second time, reports status, restarts and stops', async () => {
    const cli = setup();
    const started = await cli.run(['daemon', '--port', '0']);
    expect(started).toMatchObject({ code: 0 });
    const first = readOwnerLock(home(cli))!;
    expect(started.stdout).toContain(`started (pid ${first.pid}); log: ${join(home(cli), 'daemon.log')}`);
    expect(readFileSync(join(home(cli), 'daemon.log'), 'utf8')).toMatch(/ready proxy=/);

    const again = await cli.run(['daemon', '--port', '0']);
    expect(again).toMatchObject({ code: 0, stderr: '' });
    expect(again.stdout).toContain(`already running (pid ${first.pid})`);

    const status = await cli.run(['daemon', 'status']);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`running +daemon, pid ${first.pid}`));
    expect(status.stdout).toMatch(/vault +unlocked/);

    const restarted = await cli.run(['daemon', 'restart', '--port', '0']);
    expect(restarted.code).toBe(0);
    expect(restarted.stdout).toContain(`Stopped the Tokenwarden daemon (pid ${first.pid})`);
    const second = readOwnerLock(home(cli))!;
    expect(second.pid).not.toBe(first.pid);
    expect(pidIsAlive(first.pid)).toBe(false);

    const stopped = await cli.run(['daemon', 'stop']);
    expect(stopped).toMatchObject({ code: 0 });
    expect(stopped.stdout).toContain(`(pid ${second.pid})`);
    expect(pidIsAlive(second.pid)).toBe(false);
    expect(readFileSync(join(home(cli), 'daemon.log'), 'utf8')).toMatch(/received SIGTERM, stopping[\s\S]*stopped/);

    const none = await cli.run(['daemon', 'status']);
    expect(none.code).toBe(22);
    expect(none.stderr).toContain('(ERR_NO_OWNER)');
    expect((await cli.run(['daemon', 'stop'])).stdout).toContain('No Tokenwarden daemon is running');
  }, 300_000);

  it('never signals a pid from a stale lock that is not a Tokenwarden daemon', async () => {
    const cli = setup();
    expect((await cli.run(['status'])).code).toBe(0);
    const bystander = await lockHeldBy(cli, { role: 'daemon', socketPath: join(home(cli), 'control.sock') });
    const stop = await cli.run(['daemon', 'stop']);
    expect(stop.stdout).toContain('No Tokenwarden daemon is running');
    expect(pidIsAlive(bystander.pid!)).toBe(true);
  });

  it('a daemon starting while a CLI command holds the lock waits for it instead of failing ERR_BUSY', async () => {
    const cli = setup();
    expect((await cli.run(['status'])).code).toBe(0);
    // A stand-in for a CLI command that holds the owner lock for a moment.
    const holder = await lockHeldBy(cli, { role: 'cli' });
    const daemon = spawnCli(cli, ['daemon', '--foreground', '--port', '0']);
    cleanups.push(async () => {
      daemon.child.kill('SIGTERM');
      await daemon.exit();
    });
    await daemon.waitFor(new RegExp(`waiting up to 5 s for a tkw command \\(pid ${holder.pid}\\)`));
    // The command ends (here: dies, leaving a stale lock); the daemon takes over instead of failing ERR_BUSY.
    holder.kill('SIGKILL');
    await daemon.waitFor(/ready proxy=/);
    expect(daemon.stdout() + daemon.stderr()).not.toContain('ERR_BUSY');
    expect(readOwnerLock(home(cli))).toMatchObject({ role: 'daemon', pid: daemon.child.pid });
  }, 180_000);
});

describe('npm start', () => {
  for (const how of ['SIGTERM to npm', 'Ctrl-C (SIGINT to the process group)'] as const) {
    it(`stops its daemon child on ${how}`, async () => {
      const cli = setup({ TOKENWARDEN_HEADLESS: '1', TOKENWARDEN_PORT: '0' });
      const npm = spawn('npm', ['start'], { cwd: ROOT, env: cli.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      cleanups.push(() => killGroup(npm));
      let output = '';
      const ready = new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (/ready proxy=/.test(output)) resolve();
        };
        npm.stdout.on('data', onData);
        npm.stderr.on('data', onData);
        npm.once('exit', () => reject(new Error(`npm start exited early: ${output}`)));
      });
      await ready;
      const daemonPid = readOwnerLock(home(cli))!.pid;
      if (how === 'SIGTERM to npm') npm.kill('SIGTERM');
      else process.kill(-npm.pid!, 'SIGINT');
      expect(await gone(daemonPid)).toBe(true);
      // It shut down the orderly way (vault flushed, lock released), not killed by a second signal.
      expect(output).toMatch(/stopping[\s\S]*stopped/);
      expect(existsSync(join(home(cli), 'owner.lock'))).toBe(false);
    }, 180_000);
  }
});

// A fresh machine has only its own older Node: `npm start` must still reach a running daemon, on Node 24 fetched
// into a cache (here a cache already holding the Node that runs this test, so no download is needed).
describe.runIf(OLD_NODE)(`npm start with only the machine's own Node (${OLD_NODE ?? 'none older than 22.19'}) on PATH`, () => {
  for (const how of ['SIGTERM to npm', 'Ctrl-C (SIGINT to the process group)'] as const) {
    it(`re-runs under the cached Node 24 and reaches ready; ${how} stops the daemon`, async () => {
      const cli = setup({ TOKENWARDEN_HEADLESS: '1', TOKENWARDEN_PORT: '0', PATH: `${dirname(OLD_NODE!)}:/bin` });
      const cache = join(cli.home, 'node24');
      mkdirSync(join(cache, 'node_modules/.bin'), { recursive: true });
      symlinkSync(process.execPath, join(cache, 'node_modules/.bin/node'));
      cli.env.TOKENWARDEN_NODE_DIR = cache;
      const npm = spawn('npm', ['start'], { cwd: ROOT, env: cli.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      cleanups.push(() => killGroup(npm));
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (d: Buffer) => {
          output += d.toString();
          if (/ready proxy=/.test(output)) resolve();
        };
        npm.stdout.on('data', onData);
        npm.stderr.on('data', onData);
        npm.once('exit', () => reject(new Error(`npm start exited early: ${output}`)));
      });
      const daemonPid = readOwnerLock(home(cli))!.pid;
      // The daemon runs on the cached Node, not on the machine's own.
      expect(readlinkSync(`/proc/${daemonPid}/exe`)).toBe(realpathSync(process.execPath));
      expect(output).toContain('tokenwarden: the Electron binary is not installed here; running the headless daemon instead');
      expect(output).not.toMatch(/ERR_UNKNOWN_FILE_EXTENSION|SyntaxError|\n\s+at /);
      if (how === 'SIGTERM to npm') npm.kill('SIGTERM');
      else process.kill(-npm.pid!, 'SIGINT');
      expect(await gone(daemonPid)).toBe(true);
      expect(output).toMatch(/stopping[\s\S]*stopped/);
      expect(existsSync(join(home(cli), 'owner.lock'))).toBe(false);
    }, 180_000);
  }
});
