import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { VaultStatus } from '../../../shared/model.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';

const { setup, daemon } = useCliHomes();

const vaultPath = (cli: CliEnv): string => join(cli.env.TOKENWARDEN_HOME!, 'vault.json');

/** Adds a and b, then damages vault.json, so the .bak (holding only a) is what opens next. */
async function damagedVault(cli: CliEnv): Promise<void> {
  for (const name of ['a', 'b']) {
    expect((await cli.run(['add', name, '--host', 'https://api.example.com', '--token-stdin'], { input: `tok_${name}_0123456789` })).code).toBe(0);
  }
  writeFileSync(vaultPath(cli), readFileSync(vaultPath(cli), 'utf8').slice(0, 100));
}

describe('R2 quarantine is said on the CLI path', () => {
  it('R2 the command that falls back to .bak warns on stderr, keeps stdout clean, and status names the quarantined file', async () => {
    const cli = setup();
    await damagedVault(cli);
    const list = await cli.run(['list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout).map((s: { name: string }) => s.name)).toEqual(['a']);
    expect(list.stderr).toMatch(/tokenwarden: warning: The vault file is not valid JSON.*moved to .*vault\.json\.corrupt-.*cannot tell whether the backup holds older refresh tokens/s);
    // Later commands are quiet on stderr, but status keeps naming the damaged copy until the user removes it.
    const status = await cli.run(['status', '--json']);
    expect(status.stderr).toBe('');
    expect(VaultStatus.parse(JSON.parse(status.stdout)).warnings.join(' ')).toMatch(/A damaged vault file is kept at .*vault\.json\.corrupt-/);
  });

  it('R2 a daemon that falls back to .bak logs the warning and reports it in status', async () => {
    const cli = setup();
    await damagedVault(cli);
    const d = await daemon(cli);
    expect(d.output()).toMatch(/warning: The vault file is not valid JSON.*moved to/);
    const status = VaultStatus.parse(JSON.parse((await cli.run(['status', '--json'])).stdout));
    expect(status.warnings.join(' ')).toMatch(/moved to .*corrupt.*last good backup/);
  });
});

describe('S1 keyslots are opt-in: tkw keyslot', () => {
  it('S1 list shows the passphrase slot; removing the last slot is refused; adding os-keyring without a keyring fails clearly', async () => {
    const cli = setup();
    expect((await cli.run(['add', 'a', '--host', 'https://api.example.com', '--token-stdin'], { input: 'tok_a_0123456789' })).code).toBe(0);
    expect((await cli.run(['keyslot', 'list'])).stdout).toBe('passphrase\n');
    const last = await cli.run(['keyslot', 'remove', 'passphrase', '--yes']);
    expect(last.code).toBe(exitCodeFor('ERR_INVALID_INPUT'));
    expect(last.stderr).toMatch(/only keyslot.*\(ERR_INVALID_INPUT\)/);
    const add = await cli.run(['keyslot', 'add', 'os-keyring']);
    expect(add.code).toBe(exitCodeFor('ERR_KEYRING_UNAVAILABLE'));
    const bad = await cli.run(['keyslot', 'add', 'usb-stick']);
    expect(bad.code).toBe(exitCodeFor('ERR_USAGE'));
    expect(bad.stderr).toMatch(/Unknown keyslot kind "usb-stick"; use one of: passphrase, os-keyring, safe-storage\./);
    expect((await cli.run(['keyslot', 'list'])).stdout).toBe('passphrase\n');
  });
});
