import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowOutput } from '../../../shared/model.ts';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';

let cli: CliEnv;
// One owner unlocks once (scrypt); each command then only talks to it.
let daemon: DaemonHandle;
beforeAll(async () => {
  cli = cliEnv();
  daemon = await startDaemon(cli);
});
afterAll(async () => {
  await daemon.stop();
  cli.cleanup();
});

/** A JWT-shaped token (unsigned: only its claims are read). */
function jwt(claims: Record<string, unknown>): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc(claims)}.c2lnbmF0dXJlX29mX3RoZV90b2tlbg`;
}

async function show(name: string) {
  const result = await cli.run(['show', name, '--json']);
  expect(result.code).toBe(0);
  return ShowOutput.parse(JSON.parse(result.stdout));
}

const inSeconds = (s: number) => Math.floor(Date.now() / 1000) + s;

describe('tkw rotate on a static token re-reads the replacement’s claims', () => {
  it('takes the new exp, scopes and audience, not the old token’s', async () => {
    const oldExp = inSeconds(3600);
    const added = await cli.run(['add', 'api', '--host', 'https://api.example.com', '--token-stdin'], { input: `${jwt({ exp: oldExp, scope: 'read write', aud: 'old-api' })}\n` });
    expect(added.code).toBe(0);
    expect(await show('api')).toMatchObject({ scopes: ['read', 'write'], audience: ['old-api'], expiresAt: new Date(oldExp * 1000).toISOString() });

    const newExp = inSeconds(7200);
    const rotated = await cli.run(['rotate', 'api', '--token-stdin'], { input: `${jwt({ exp: newExp, scope: 'admin', aud: 'new-api' })}\n` });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain(`expires ${new Date(newExp * 1000).toISOString()}`);
    expect(await show('api')).toMatchObject({ scopes: ['admin'], audience: ['new-api'], expiresAt: new Date(newExp * 1000).toISOString(), status: 'valid' });
  });

  it('--expires-in gives an opaque replacement its lifetime; without it the expiry is honestly unknown', async () => {
    const before = Date.now();
    const rotated = await cli.run(['rotate', 'api', '--token-stdin', '--expires-in', '10m'], { input: 'opaque_replacement_0123456789\n' });
    expect(rotated.code).toBe(0);
    const detail = await show('api');
    expect(detail.scopes).toEqual([]);
    const expiry = Date.parse(detail.expiresAt!);
    expect(expiry).toBeGreaterThanOrEqual(before + 600_000 - 1000);
    expect(expiry).toBeLessThanOrEqual(Date.now() + 600_000 + 1000);

    const plain = await cli.run(['rotate', 'api', '--token-stdin'], { input: 'opaque_replacement_abcdefghij\n' });
    expect(plain.stdout).toContain('no expiry known (use --expires-in)');
    expect((await show('api')).expiresAt).toBeNull();
  });

  it('R6 a rotated-in token that already expired is never handed out', async () => {
    const rotated = await cli.run(['rotate', 'api', '--token-stdin'], { input: `${jwt({ exp: inSeconds(-60) })}\n` });
    expect(rotated.code).toBe(0);
    expect((await show('api')).status).toBe('expired');
    const token = await cli.run(['token', 'api']);
    expect(token.code).toBe(10);
    expect(token.stderr).toContain('ERR_TOKEN_UNAVAILABLE');
  });

  it('refuses a bad --expires-in', async () => {
    const bad = await cli.run(['rotate', 'api', '--token-stdin', '--expires-in', 'soon'], { input: 'opaque_replacement_0123456789\n' });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--expires-in: The lifetime is a positive duration like 90s, 10m, 2h or 7d');
  });
});
