import { describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { startOwner, type Owner } from '../../../electron/core/owner.ts';
import { createRevealGate, type RevealDecision, type RevealRequest } from '../../../electron/core/reveal/reveal-gate.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';

const CANARY = 'tkwcanary_reveal_8c1e5f3a90d2';
const { setup, cleanups } = useCliHomes();

/** An app-role owner in this process, like the desktop app, with a scripted "dialog". */
async function appOwner(answers: RevealDecision[], enabled = true) {
  const cli = setup();
  const asked: RevealRequest[] = [];
  const revealGate = createRevealGate({
    approver: { approveReveal: async (request) => (asked.push(request), answers.shift() ?? 'deny') },
    enabled: () => enabled,
  });
  const owner: Owner = await startOwner({ role: 'app', home: cli.env.TOKENWARDEN_HOME!, env: cli.env, keyring: false, proxy: false, revealGate });
  cleanups.push(() => owner.close());
  await owner.service.add({ kind: 'static', name: 'gh', hosts: ['https://api.github.com'], token: CANARY });
  return { cli, asked };
}

describe('"Ask before revealing a token" over the control socket', () => {
  it('a denied `tkw token` exits with ERR_DENIED, prints no token, and the dialog named the CLI process', async () => {
    const { cli, asked } = await appOwner(['deny']);
    const res = await cli.run(['token', 'gh']);
    expect(res.code).toBe(exitCodeFor('ERR_DENIED'));
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('denied');
    expect(res.stderr).not.toContain(CANARY);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toMatchObject({ method: 'token', name: 'gh' });
    if (process.platform === 'linux') expect(asked[0]!.caller.description).toMatch(/^node[^ ]* \(pid \d+: .*tokenwarden\.js\)$/);
  });

  it('"Allow once" lets exactly one call through', async () => {
    const { cli, asked } = await appOwner(['once', 'deny']);
    expect((await cli.run(['token', 'gh'])).stdout).toBe(`${CANARY}\n`);
    expect((await cli.run(['token', 'gh'])).code).toBe(exitCodeFor('ERR_DENIED'));
    expect(asked).toHaveLength(2);
  });

  it('with the setting off nobody is asked (and the daemon never has a dialog)', async () => {
    const { cli, asked } = await appOwner([], false);
    expect((await cli.run(['token', 'gh'])).stdout).toBe(`${CANARY}\n`);
    expect(asked).toEqual([]);
  });
});
