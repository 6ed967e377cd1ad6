/**
 * `tkw update NAME --upstream-ca FILE | --no-upstream-ca` end to end: the real binary, a real daemon and an
 * https upstream signed by a private CA. Changing the trusted CA changes who can receive the token, so the
 * proof is on the wire: an upstream the trusted CA did not sign gets no request at all.
 */
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exitCodeFor } from '../../../shared/errors.ts';
import { MESSAGES } from '../../../shared/human-messages.ts';
import { ShowOutput } from '../../../shared/model.ts';
import { cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { authorizationsOf, makeTlsMaterial, startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const CANARY = 'tkwcanary_upstream_ca_5d1e8b2c';
let cli: CliEnv;
let daemon: DaemonHandle;
let upstream: TestUpstream;
let dir: string;
const file = (name: string) => join(dir, name);
const fingerprint: Record<string, string> = {};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tkw-upstream-ca-files-'));
  const [ca1, ca2] = await Promise.all([makeTlsMaterial(['127.0.0.1']), makeTlsMaterial(['127.0.0.1'])]);
  // The upstream's certificate is signed by CA-1 only; CA-2 is a real CA that never signed it.
  upstream = await startUpstream({ tls: ca1 });
  writeFileSync(file('ca1.pem'), ca1.caPem);
  writeFileSync(file('ca2.pem'), ca2.caPem);
  writeFileSync(file('not-pem.txt'), 'this is not a certificate\n');
  writeFileSync(file('broken.pem'), '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
  writeFileSync(file('with-key.pem'), `${ca2.caPem}${ca2.keyPem}`);
  fingerprint.ca1 = new X509Certificate(ca1.caPem).fingerprint256;
  fingerprint.ca2 = new X509Certificate(ca2.caPem).fingerprint256;
  // No NODE_EXTRA_CA_CERTS: the daemon trusts the default roots, so only the credential's CA reaches this upstream.
  cli = cliEnv();
  daemon = await startDaemon(cli);
  const added = await cli.run(['add', 'internal', '--host', upstream.origin, '--upstream-ca', file('ca1.pem'), '--token-stdin'], { input: CANARY });
  expect(added.code, added.stderr).toBe(0);
}, 60_000);

afterAll(async () => {
  await daemon?.stop();
  await upstream?.close();
  // S7: nothing the CLI or the daemon printed holds the token.
  expect(cli.transcript.join('\n')).not.toContain(CANARY);
  cli.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

async function show(name = 'internal'): Promise<ShowOutput> {
  const result = await cli.run(['show', name, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return ShowOutput.parse(JSON.parse(result.stdout));
}

async function gateway(): Promise<{ status: number; code: string | undefined }> {
  const key = (await cli.run(['proxy-key', '--print'])).stdout.trim();
  const res = await fetch(`http://127.0.0.1:${daemon.port}/internal/v1/items`, { headers: { 'X-Tokenwarden-Key': key } });
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  return { status: res.status, code: body.error?.code };
}

describe('tkw update --upstream-ca (P11)', () => {
  it('P11 show names the CA by CN and SHA-256 fingerprint, never its PEM', async () => {
    const text = await cli.run(['show', 'internal']);
    expect(text.stdout).toMatch(new RegExp(`^upstream CA +Tokenwarden local CA [0-9a-f]{8} \\(SHA256 ${fingerprint.ca1}\\)$`, 'm'));
    const detail = await show();
    expect(detail.upstreamCa).toEqual([{ subject: expect.stringMatching(/^Tokenwarden local CA /), fingerprint: fingerprint.ca1 }]);
    expect(`${text.stdout}${JSON.stringify(detail)}`).not.toContain('BEGIN CERTIFICATE');
  });

  it('P11 a request through the daemon reaches the upstream that CA-1 signed, with the token', async () => {
    expect(await gateway()).toEqual({ status: 200, code: undefined });
    expect(authorizationsOf(upstream.calls.at(-1)!)).toEqual([`Bearer ${CANARY}`]);
  });

  it('P11 after updating to CA-2 the same upstream is untrusted: 502 ERR_UPSTREAM_CERT and 0 tokens leaked; updating back works', async () => {
    const updated = await cli.run(['update', 'internal', '--upstream-ca', file('ca2.pem')]);
    expect(updated.code, updated.stderr).toBe(0);
    expect(updated.stdout).toContain(`(SHA256 ${fingerprint.ca2})`);
    expect((await show()).upstreamCa?.map((c) => c.fingerprint)).toEqual([fingerprint.ca2]);
    const calls = upstream.calls.length;
    expect(await gateway()).toEqual({ status: 502, code: 'ERR_UPSTREAM_CERT' });
    // Not one request reached it, so no Authorization header could have been read.
    expect(upstream.calls).toHaveLength(calls);

    expect((await cli.run(['update', 'internal', '--upstream-ca', file('ca1.pem')])).code).toBe(0);
    expect(await gateway()).toEqual({ status: 200, code: undefined });
    expect(upstream.calls).toHaveLength(calls + 1);
  });

  it('P11 --no-upstream-ca removes it: show has none and the default roots do not trust the private upstream', async () => {
    const removed = await cli.run(['update', 'internal', '--no-upstream-ca']);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe('Updated internal: no private upstream CA; https upstreams verified against the default roots.\n');
    expect((await show()).upstreamCa).toBeNull();
    expect((await cli.run(['show', 'internal'])).stdout).not.toContain('upstream CA');
    const calls = upstream.calls.length;
    expect(await gateway()).toEqual({ status: 502, code: 'ERR_UPSTREAM_CERT' });
    expect(upstream.calls).toHaveLength(calls);
    expect((await cli.run(['update', 'internal', '--upstream-ca', file('ca1.pem')])).code).toBe(0);
  });

  it.each([
    ['a file that is not PEM', 'not-pem.txt', 'ERR_INVALID_INPUT', () => MESSAGES.caNotPem],
    ['a certificate block that does not parse', 'broken.pem', 'ERR_INVALID_INPUT', () => MESSAGES.caNotParsed(1, 1)],
    ['a private key next to the CA', 'with-key.pem', 'ERR_INVALID_INPUT', () => MESSAGES.caOtherBlock('PRIVATE KEY')],
    ['a missing file', 'missing.pem', 'ERR_USAGE', (path: string) => `Cannot read --upstream-ca ${path} (ENOENT).`],
  ] as const)('P11 %s gets a coded error and changes nothing', async (_what, name, code, message) => {
    const before = await show();
    const result = await cli.run(['update', 'internal', '--upstream-ca', file(name)]);
    expect(result.code).toBe(exitCodeFor(code));
    expect(result.stderr).toBe(`tokenwarden: ${message(file(name))} (${code})\n`);
    expect(result.stdout).toBe('');
    const after = await show();
    expect(after.revision).toBe(before.revision);
    expect(after.upstreamCa).toEqual(before.upstreamCa);
    expect(await gateway()).toEqual({ status: 200, code: undefined });
  });

  it('update without a change, or for an unknown credential, says so', async () => {
    const nothing = await cli.run(['update', 'internal']);
    expect(nothing.stderr).toBe('tokenwarden: Nothing to change: give --host, --exec, --scope, --auth-policy, --[no-]allow-insecure-loopback or --upstream-ca FILE / --no-upstream-ca. (ERR_USAGE)\n');
    const unknown = await cli.run(['update', 'nobody', '--upstream-ca', file('ca1.pem')]);
    expect(unknown.code).toBe(exitCodeFor('ERR_NOT_FOUND'));
  });
});

describe('tkw update without a daemon', () => {
  it('P11 changes the CA in the vault in-process, under the owner lock', async () => {
    const local = cliEnv();
    try {
      expect((await local.run(['add', 'offline', '--host', 'https://internal.example', '--upstream-ca', file('ca1.pem'), '--token-stdin'], { input: 'tok_offline_0123456789' })).code).toBe(0);
      const updated = await local.run(['update', 'offline', '--upstream-ca', file('ca2.pem')]);
      expect(updated.code, updated.stderr).toBe(0);
      const detail = ShowOutput.parse(JSON.parse((await local.run(['show', 'offline', '--json'])).stdout));
      expect(detail.upstreamCa?.map((c) => c.fingerprint)).toEqual([fingerprint.ca2]);
    } finally {
      local.cleanup();
    }
  });
});
