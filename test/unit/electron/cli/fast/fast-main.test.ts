/** runFast answers only with an owner that serves the control socket; every other case is the full CLI's. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runFast } from '../../../../../electron/cli/fast/fast-main.ts';
import type { FastIo } from '../../../../../electron/cli/fast/fast-io.ts';
import { startControlServer, type ControlServer } from '../../../../../electron/core/control/control-server.ts';
import { TokenwardenError } from '../../../../../electron/core/base/errors.ts';
import { exitCodeFor } from '../../../../../shared/errors.ts';
import { RecordingHandler, makeTempHome, type TempHome } from '../../../../fixtures/control-harness.ts';

let tmp: TempHome;
let server: ControlServer | undefined;
let handler: RecordingHandler;
beforeEach(async () => {
  tmp = await makeTempHome();
  handler = new RecordingHandler().on('token', ([name]) => {
    if (name === 'locked') throw new TokenwardenError('ERR_LOCKED', 'The vault is locked.\n  Unlock it first.');
    return `tok-${String(name)}`;
  });
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await tmp.cleanup();
});

function memoryIo(env: NodeJS.ProcessEnv = {}): FastIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out: (text: string) => void (io.stdout += text),
    err: (text: string) => void (io.stderr += text),
    color: false,
    env: { TOKENWARDEN_HOME: tmp.home, ...env },
  };
  return io;
}

function ownerLock(role: string, socketPath: string | null = tmp.socketPath, pid = process.pid): void {
  writeFileSync(join(tmp.home, 'owner.lock'), JSON.stringify({ pid, role, ...(socketPath ? { socketPath } : {}), startedAt: new Date().toISOString() }));
}

async function serve(): Promise<void> {
  server = await startControlServer({ path: tmp.socketPath, handler });
}

describe('runFast', () => {
  it('prints the token from a daemon or app owner and exits 0', async () => {
    await serve();
    for (const role of ['daemon', 'app', 'mcp']) {
      ownerLock(role);
      const io = memoryIo();
      expect(await runFast(['token', 'github'], io)).toBe(0);
      expect(io).toMatchObject({ stdout: 'tok-github\n', stderr: '' });
    }
  });

  it('prints an error from the owner as the full CLI does: one coded line and its exit code', async () => {
    await serve();
    ownerLock('daemon');
    const io = memoryIo();
    expect(await runFast(['token', 'locked'], io)).toBe(exitCodeFor('ERR_LOCKED'));
    expect(io).toMatchObject({ stdout: '', stderr: 'tokenwarden: The vault is locked. Unlock it first. (ERR_LOCKED)\n' });
  });

  it('words ERR_BUSY from status with the pid of the lock holder, as read.ts does', async () => {
    handler.on('status', () => {
      throw new TokenwardenError('ERR_BUSY', 'Busy.');
    });
    await serve();
    ownerLock('daemon');
    const io = memoryIo();
    expect(await runFast(['status'], io)).toBe(exitCodeFor('ERR_BUSY'));
    expect(io.stderr).toBe(`tokenwarden: Busy. (owner pid ${process.pid}) (ERR_BUSY)\n`);
  });

  it('leaves it to the full CLI without an owner, with a CLI command holding the lock, or a dead owner', async () => {
    await serve();
    expect(await runFast(['token', 'github'], memoryIo())).toBeUndefined();
    ownerLock('cli');
    expect(await runFast(['token', 'github'], memoryIo())).toBeUndefined();
    ownerLock('daemon', null);
    expect(await runFast(['token', 'github'], memoryIo())).toBeUndefined();
    ownerLock('daemon', tmp.socketPath, 2 ** 22 + 1); // above pid_max: nobody
    expect(await runFast(['token', 'github'], memoryIo())).toBeUndefined();
    expect(handler.calls).toEqual([]);
  });

  it('leaves it to the full CLI when the owner’s socket does not answer, or when asked to', async () => {
    ownerLock('daemon');
    expect(await runFast(['token', 'github'], memoryIo())).toBeUndefined(); // no socket yet: an owner starting
    await serve();
    expect(await runFast(['token', 'github'], memoryIo({ TOKENWARDEN_CLI_FAST: '0' }))).toBeUndefined();
    expect(await runFast(['token', 'github'], memoryIo({ TOKENWARDEN_DEBUG: '1' }))).toBeUndefined();
    expect(await runFast(['token', '--help'], memoryIo())).toBeUndefined();
    expect(await runFast(['show', 'github'], memoryIo())).toBeUndefined();
    expect(handler.calls).toEqual([]);
  });

  it('leaves it to the full CLI when the data directory is not one', async () => {
    const file = join(tmp.home, 'a-file');
    writeFileSync(file, '');
    expect(await runFast(['list'], memoryIo({ TOKENWARDEN_HOME: file }))).toBeUndefined();
  });
});
