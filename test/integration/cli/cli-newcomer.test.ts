/** What a new user meets in the first minutes, through the real CLI: status without an owner, lock twice, a typo'd name. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { VaultStatus } from '../../../shared/model.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { BIN } from '../../fixtures/cli-run.ts';

const { setup, daemon } = useCliHomes();

describe('tkw status without an owner', () => {
  it('names no owner pid and says how commands open the vault, instead of "locked" with its own pid', async () => {
    const cli = setup();
    expect((await cli.run(['add', 'local', '--host', 'https://api.example.com', '--token-stdin'], { input: 'newcomer-token-1234' })).code).toBe(0);
    const json = await cli.run(['status', '--json']);
    expect(json.code).toBe(0);
    const status = VaultStatus.parse(JSON.parse(json.stdout));
    expect(status.ownerPid).toBeNull();
    const text = await cli.run(['status']);
    expect(text.stdout).toMatch(/^vault +no owner running; commands open the vault with TOKENWARDEN_PASSPHRASE \(/m);
    expect(text.stdout).toMatch(/^owner +none$/m);
    expect(text.stdout).not.toMatch(/^vault +locked/m);
    // `tkw list` works in the same state, which is what the status line promises.
    expect((await cli.run(['list'])).stdout).toContain('local');
  });

  it('without a passphrase in the environment it says the passphrase will be asked for', async () => {
    const cli = setup();
    expect((await cli.run(['list'])).code).toBe(0);
    const text = await cli.run(['status'], { env: { TOKENWARDEN_PASSPHRASE: '' } });
    expect(text.stdout).toMatch(/^vault +no owner running; commands open the vault after asking for the passphrase on a terminal/m);
  });

  it('with an owner it still names the owner pid and the lock state', async () => {
    const cli = setup();
    const d = await daemon(cli);
    const status = VaultStatus.parse(JSON.parse((await cli.run(['status', '--json'])).stdout));
    expect(status).toMatchObject({ ownerPid: d.child.pid, locked: false });
    // The daemon created this vault with no reachable keyring: one short warning line, not five lines of D-Bus advice.
    const warnings = (await cli.run(['status'])).stdout.split('\n').filter((l) => l.startsWith('warning'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^warning +OS keyring not used \(no desktop session bus here, as over SSH, in WSL or in CI\): the vault is protected by the passphrase keyslot; `tkw keyslot add os-keyring`/);
    expect(warnings[0]).not.toMatch(/DBUS_SESSION_BUS_ADDRESS|dbus-run-session/);
  });
});

describe('tkw lock', () => {
  it('a second lock says "Already locked.", as a second unlock says "Already unlocked."', async () => {
    const cli = setup();
    await daemon(cli);
    expect((await cli.run(['lock'])).stdout).toBe('Locked. The proxy answers 423 until `tkw unlock` is given the passphrase.\n');
    expect((await cli.run(['lock'])).stdout).toBe('Already locked.\n');
    expect((await cli.run(['unlock'])).stdout).toMatch(/^Unlocked/);
    expect((await cli.run(['unlock'])).stdout).toBe('Already unlocked.\n');
  });
});

describe('a typo in a credential name', () => {
  it('tkw exec lcoal: "Did you mean local?", and no flag the user never typed', async () => {
    const cli = setup();
    await daemon(cli);
    expect((await cli.run(['add', 'local', '--host', 'https://api.example.com', '--token-stdin'], { input: 'newcomer-token-1234' })).code).toBe(0);
    const result = await cli.run(['exec', 'lcoal', '--', 'true']);
    expect(result.code).toBe(exitCodeFor('ERR_NOT_FOUND'));
    expect(result.stderr).toBe('tokenwarden: No credential named "lcoal". Did you mean "local"? (ERR_NOT_FOUND)\n');
    expect(result.stderr).not.toContain('--for');
    // Nothing close: the message says where the names are.
    expect((await cli.run(['show', 'zzzzzz'])).stderr).toBe('tokenwarden: No credential named "zzzzzz". `tkw list` shows the names. (ERR_NOT_FOUND)\n');
  });
});

describe('tkw show', () => {
  it('says in text that plain http is allowed, as --json does with allowInsecureLoopback', async () => {
    const cli = setup();
    expect((await cli.run(['add', 'box', '--host', 'http://127.0.0.1:9', '--allow-insecure-loopback', '--token-stdin'], { input: 'newcomer-token-1234' })).code).toBe(0);
    expect((await cli.run(['add', 'safe', '--host', 'https://api.example.com', '--token-stdin'], { input: 'newcomer-token-1234' })).code).toBe(0);
    expect((await cli.run(['show', 'box'])).stdout).toMatch(/^plain http +allowed to loopback hosts \(--allow-insecure-loopback\)$/m);
    expect(JSON.parse((await cli.run(['show', 'box', '--json'])).stdout)).toMatchObject({ allowInsecureLoopback: true });
    expect((await cli.run(['show', 'safe'])).stdout).not.toContain('plain http');
  });
});

describe('a credential that was never logged in', () => {
  it('is told to log in, not to log in again, and its refresh-failed alert has one period', async () => {
    const cli = setup();
    await daemon(cli);
    const add = await cli.run(['add', 'box', '--host', 'https://api.example.com', '--issuer', 'https://127.0.0.1:1', '--client-id', 'c', '--grant', 'auth-code', '--no-verify']);
    expect(add.code).toBe(0);
    const refresh = await cli.run(['refresh', 'box']);
    expect(refresh.code).toBe(exitCodeFor('ERR_NEEDS_LOGIN'));
    expect(refresh.stderr).toBe('tokenwarden: box is not logged in yet: run `tkw login box` (ERR_NEEDS_LOGIN)\n');
    const token = await cli.run(['token', 'box']);
    expect(token.stderr).toBe('tokenwarden: box is not logged in yet: run `tkw login box` (ERR_NEEDS_LOGIN)\n');
    const alerts = await cli.run(['alerts', '--json']);
    const messages = (JSON.parse(alerts.stdout) as { kind: string; message: string }[]).filter((a) => a.kind === 'refresh-failed').map((a) => a.message);
    expect(messages).toEqual(['Refreshing "box" failed: box is not logged in yet: run `tkw login box`.']);
    expect(alerts.stdout).not.toContain('again');
  });
});

describe('output into a closed pipe', () => {
  it('`tkw add --help | head`: the reader gone first is no EPIPE stack trace, and the command still exits 0', async () => {
    const cli = setup();
    const child = spawn(process.execPath, [BIN, 'add', '--help'], { env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closing our end before the CLI writes is what `head` does after its first lines.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
