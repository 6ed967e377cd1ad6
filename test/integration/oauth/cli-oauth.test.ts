import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, type CliEnv } from '../../fixtures/cli-run.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET, startIdp, type IdpFixture } from '../../fixtures/idp-provider.ts';

let idp: IdpFixture;
let cli: CliEnv;
beforeAll(async () => {
  idp = await startIdp();
  cli = cliEnv();
});
afterAll(async () => {
  cli?.cleanup();
  await idp?.close();
});

describe('the tokenwarden CLI against a real IdP (no daemon)', () => {
  it('adds a client-credentials credential from stdin, prints a token the IdP calls active, refreshes, rotates and revokes honestly', async () => {
    const add = await cli.run(
      ['add', 'bot', '--host', 'http://127.0.0.1:9', '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--grant', 'client-credentials', '--allow-insecure-loopback'],
      { input: `${CONFIDENTIAL_SECRET}\n` },
    );
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const first = (await cli.run(['token', 'bot'])).stdout.trim();
    expect((await idp.introspect(first)).active).toBe(true);

    expect((await cli.run(['refresh', 'bot'])).code).toBe(0);
    const second = (await cli.run(['token', 'bot'])).stdout.trim();
    expect(second).not.toBe(first);

    expect((await cli.run(['rotate', 'bot'])).code).toBe(0);
    const third = (await cli.run(['token', 'bot'])).stdout.trim();
    expect(third).not.toBe(second);
    expect((await idp.introspect(second)).active).toBe(false);

    const revoke = await cli.run(['revoke', 'bot']);
    expect(revoke.code).toBe(0);
    expect(revoke.stdout).toMatch(/^Revoked: bot\./);
    expect((await idp.introspect(third)).active).toBe(false);
    const after = await cli.run(['token', 'bot']);
    expect(after.code).not.toBe(0);
    // S7: only `token` may print a token; every other command's output carries none.
    const others = [add, revoke, after].map((r) => r.stdout + r.stderr).join('\n');
    for (const t of [first, second, third]) expect(others).not.toContain(t);
  }, 120_000);

  it('refuses an http issuer without --allow-insecure-loopback', async () => {
    const add = await cli.run(['add', 'nope', '--host', 'https://api.example.com', '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--grant', 'client-credentials'], {
      input: `${CONFIDENTIAL_SECRET}\n`,
    });
    expect(add.code).not.toBe(0);
    expect((await cli.run(['show', 'nope'])).code).not.toBe(0);
  }, 120_000);
});
