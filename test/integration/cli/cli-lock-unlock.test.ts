import { describe, expect, it } from 'vitest';
import { createControlApi, connectControl } from '../../../electron/core/control/index.ts';
import { VaultStatus } from '../../../shared/model.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { spawnTty } from '../../fixtures/cli-tty.ts';
import { killGroup } from '../../fixtures/child-exit.ts';

const PASSPHRASE = 'correct horse battery staple';
const NO_ENV = { TOKENWARDEN_PASSPHRASE: '' };
const { setup, daemon, cleanups } = useCliHomes();

async function locked(cli: CliEnv): Promise<boolean> {
  return VaultStatus.parse(JSON.parse((await cli.run(['status', '--json'])).stdout)).locked;
}

describe('lock and unlock tell the truth', () => {
  it('S6 the daemon reads TOKENWARDEN_PASSPHRASE only at start-up: after `lock`, only the right passphrase unlocks', async () => {
    const cli = setup();
    const d = await daemon(cli);
    expect(await cli.run(['lock'])).toMatchObject({ code: 0 });
    expect(await locked(cli)).toBe(true);

    // The old hole: an unlock with no secret reopened the vault with the daemon's own environment.
    const client = await connectControl(`${cli.env.TOKENWARDEN_HOME}/control.sock`);
    await expect(createControlApi(client).unlock()).rejects.toMatchObject({ code: 'ERR_LOCKED' });
    client.close();
    expect(await locked(cli)).toBe(true);

    const noSecret = await cli.run(['unlock'], { env: NO_ENV });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('--passphrase-stdin');
    const wrong = await cli.run(['unlock', '--passphrase-stdin'], { input: 'not the passphrase\n', env: NO_ENV });
    expect(wrong.code).toBe(6);
    expect(wrong.stderr).toContain('(ERR_BAD_PASSPHRASE)');
    expect(await locked(cli)).toBe(true);

    // While locked, other commands point at `unlock`, and `unlock` never points at itself.
    const list = await cli.run(['list']);
    expect(list.code).toBe(5);
    expect(list.stderr).toContain('tkw unlock');
    for (const result of [noSecret, wrong]) expect(result.stderr).not.toMatch(/run `(tkw|tokenwarden) unlock`/);

    const right = await cli.run(['unlock', '--passphrase-stdin'], { input: `${PASSPHRASE}\n`, env: NO_ENV });
    expect(right).toMatchObject({ code: 0 });
    expect(right.stdout).toMatch(/^Unlocked/);
    expect(await locked(cli)).toBe(false);
    expect(d.output()).toMatch(/vault locked[\s\S]*vault unlocked/);
  }, 240_000);

  it('without an owner, lock and unlock say there is nothing to lock or keep unlocked (ERR_NO_OWNER)', async () => {
    const cli = setup();
    const lock = await cli.run(['lock']);
    expect(lock.code).toBe(22);
    expect(lock.stderr).toMatch(/nothing to lock\. \(ERR_NO_OWNER\)/);
    const unlock = await cli.run(['unlock']);
    expect(unlock.code).toBe(22);
    expect(unlock.stderr).toContain('nothing to keep unlocked');
  });

  it('creating a vault on a terminal asks for the passphrase twice, and a mismatch asks again', async () => {
    const cli = setup(NO_ENV);
    const tty = spawnTty(cli, ['list']);
    await tty.answer(/New vault passphrase: /, 'first passphrase');
    await tty.answer(/Repeat the passphrase: /, 'a typo passphrase');
    await tty.waitFor(/differ/);
    await tty.answer(/New vault passphrase: /, 'first passphrase');
    await tty.answer(/Repeat the passphrase: /, 'first passphrase');
    expect(await tty.exit()).toBe(0);
    expect(tty.output()).toContain('No credentials');
    // The vault exists and opens with that passphrase, and only with it.
    expect((await cli.run(['status', '--json'], { env: { TOKENWARDEN_PASSPHRASE: 'first passphrase' } })).stdout).toContain('"passphrase"');
    expect((await cli.run(['list'], { env: { TOKENWARDEN_PASSPHRASE: 'first passphrase' } })).code).toBe(0);
    expect((await cli.run(['list'], { env: { TOKENWARDEN_PASSPHRASE: 'a typo passphrase' } })).code).toBe(6);
  }, 180_000);

  it('first run: the daemon on a terminal asks for a new passphrase twice and creates the vault; without one it names the next step', async () => {
    const cli = setup(NO_ENV);
    const tty = spawnTty(cli, ['daemon', '--foreground', '--port', '0']);
    cleanups.push(() => killGroup(tty.child));
    await tty.answer(/New vault passphrase: /, 'daemon first passphrase');
    await tty.answer(/Repeat the passphrase: /, 'daemon first passphrase');
    await tty.waitFor(/ready proxy=/);
    expect(await locked(cli)).toBe(false);
    process.kill(-tty.child.pid!, 'SIGTERM');
    expect(await tty.exit()).toBe(0);
    expect(tty.output()).not.toMatch(/DBus|dbus/);

    const headless = setup(NO_ENV);
    const d = await daemon(headless);
    expect(d.output()).toContain('no vault yet, and no OS keyring or TOKENWARDEN_PASSPHRASE to protect one. Next step: run `tkw unlock` to choose a passphrase.');
    expect(d.output()).not.toMatch(/DBus|dbus|vault stays locked/);
  }, 240_000);

  it('without a terminal, a missing passphrase gives one next step that is not the command just run', async () => {
    const cli = setup(NO_ENV);
    const result = await cli.run(['list']);
    expect(result.code).toBe(5);
    expect(result.stderr).toContain('Run this command on a terminal to choose a passphrase, or set TOKENWARDEN_PASSPHRASE.');
    expect(result.stderr).not.toMatch(/DBus|dbus|tkw list|tokenwarden list/);
  });
});
