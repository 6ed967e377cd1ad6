/** S-rollback and S1 through the real `tkw` binary against the real Secret Service (`npm run test:keyring`). */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../../shared/errors.ts';
import { napiKeyring } from '../../../../electron/core/vault/keyslots/napi-keyring.ts';
import { generationAccount } from '../../../../electron/core/vault/rollback-guard.ts';
import { cliEnv } from '../../../fixtures/cli-run.ts';

const expected = process.env.TOKENWARDEN_KEYRING_EXPECTED === '1';
const cleanups: Array<() => unknown> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe.runIf(expected)('S-rollback through the CLI with the real Secret Service', () => {
  it('S-rollback a copied-back vault.json fails with ERR_ROLLBACK; `tkw --accept-rollback` opens it once; S1 keyslot add/remove', async () => {
    // This child may reach the keyring, unlike the other CLI tests.
    const cli = cliEnv({ DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS });
    cleanups.push(() => cli.cleanup());
    const vault = join(cli.env.TOKENWARDEN_HOME!, 'vault.json');
    const add = (name: string) => cli.run(['add', name, '--host', 'https://api.example.com', '--token-stdin'], { input: `tok_${name}_0123456789` });
    expect((await add('a')).code).toBe(0);
    const id = (JSON.parse(readFileSync(vault, 'utf8')) as { vaultId: string }).vaultId;
    cleanups.push(() => napiKeyring().deletePassword(id).catch(() => false), () => napiKeyring().deletePassword(generationAccount(id)).catch(() => false));
    expect((await cli.run(['keyslot', 'list'])).stdout).toBe('os-keyring\npassphrase\n');
    copyFileSync(vault, `${vault}.old`);
    expect((await add('b')).code).toBe(0);
    expect((await cli.run(['rm', 'a', '--yes'])).code).toBe(0);
    copyFileSync(`${vault}.old`, vault);

    const refused = await cli.run(['list', '--json']);
    expect(refused.code).toBe(exitCodeFor('ERR_ROLLBACK'));
    expect(refused.stderr).toMatch(/older vault\.json was put back.*--accept-rollback.*\(ERR_ROLLBACK\)/s);
    const accepted = await cli.run(['--accept-rollback', 'list', '--json']);
    expect(accepted.code).toBe(0);
    expect(JSON.parse(accepted.stdout).map((s: { name: string }) => s.name)).toEqual(['a']);
    expect((await cli.run(['list', '--json'])).code).toBe(0);

    // S1: removing the keyring slot leaves a passphrase-only vault that the keyring no longer opens.
    expect((await cli.run(['keyslot', 'remove', 'os-keyring', '--yes'])).code).toBe(0);
    expect(await napiKeyring().getPassword(id)).toBeNull();
    expect((await cli.run(['list', '--json'], { env: { TOKENWARDEN_PASSPHRASE: '' } })).code).toBe(exitCodeFor('ERR_LOCKED'));
    expect((await cli.run(['keyslot', 'add', 'os-keyring'])).code).toBe(0);
    expect((await cli.run(['list', '--json'], { env: { TOKENWARDEN_PASSPHRASE: '' } })).code).toBe(0);
  }, 240_000); // a dozen CLI start-ups: seconds each on a busy machine
});
