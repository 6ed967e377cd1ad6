import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ShowOutput } from '../../../shared/model.ts';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET, startIdp, type IdpFixture } from '../../fixtures/idp-provider.ts';

let idp: IdpFixture;
let cli: CliEnv;
let daemon: DaemonHandle;
const tokens: string[] = [];

beforeAll(async () => {
  idp = await startIdp();
  cli = cliEnv();
  daemon = await startDaemon(cli);
});

afterAll(async () => {
  await daemon.stop();
  await idp.close();
  const transcript = cli.transcript.join('\n');
  // S7: the client secret never shows; tokens show only where `tkw token` printed them.
  expect(transcript).not.toContain(CONFIDENTIAL_SECRET);
  cli.cleanup();
});

async function token(): Promise<string> {
  const result = await cli.run(['token', 'cc']);
  expect(result.code).toBe(0);
  const value = result.stdout.trim();
  tokens.push(value);
  return value;
}

describe('OAuth through the CLI and the daemon (real oidc-provider)', () => {
  it('adds a client-credentials credential with the secret on stdin and mints a live token', async () => {
    const added = await cli.run(
      ['add', 'cc', '--host', 'http://127.0.0.1:9', '--allow-insecure-loopback', '--issuer', idp.issuer, '--client-id', CONFIDENTIAL_CLIENT, '--client-secret-stdin', '--grant', 'client-credentials'],
      { input: `${CONFIDENTIAL_SECRET}\n` },
    );
    expect(added).toMatchObject({ code: 0, stderr: '' });
    expect((await idp.introspect(await token())).active).toBe(true);
    const detail = ShowOutput.parse(JSON.parse((await cli.run(['show', 'cc', '--json'])).stdout));
    expect(detail.oauth).toMatchObject({ grant: 'client-credentials', clientId: CONFIDENTIAL_CLIENT, hasClientSecret: true });
    // O12: a confidential client gets a live introspection answer in `show`.
    expect(detail.introspection).toMatchObject({ active: true, clientId: CONFIDENTIAL_CLIENT });
    expect(JSON.stringify(detail)).not.toContain(CONFIDENTIAL_SECRET);
  });

  it('rotate mints a new token and retires the old one at the IdP', async () => {
    const old = await token();
    const rotated = await cli.run(['rotate', 'cc']);
    expect(rotated.code).toBe(0);
    const fresh = await token();
    expect(fresh).not.toBe(old);
    expect((await idp.introspect(old)).active).toBe(false);
    expect((await idp.introspect(fresh)).active).toBe(true);
  });

  it('O11 revoke reports a confirmed revocation, wipes the token, and the IdP agrees', async () => {
    const live = await token();
    const revoked = await cli.run(['revoke', 'cc']);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^Revoked: cc\./);
    expect((await idp.introspect(live)).active).toBe(false);
    const detail = ShowOutput.parse(JSON.parse((await cli.run(['show', 'cc', '--json'])).stdout));
    expect(detail.status).toBe('revoked');
    expect(detail.tokenTail).toBeNull();
    const after = await cli.run(['token', 'cc']);
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/^tokenwarden: .+ \(ERR_[A-Z_]+\)\n$/);
  });
});
