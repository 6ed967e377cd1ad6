import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertItem, AuditEntry, AuditVerifyResult, StatsReport } from '../../../shared/audit-model.ts';
import { exitCodeFor } from '../../../shared/errors.ts';
import { VaultStatus } from '../../../shared/model.ts';
import { BIN, cliEnv, startDaemon, type CliEnv, type DaemonHandle } from '../../fixtures/cli-run.ts';
import { send } from '../../fixtures/proxy-client.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const CANARY = 'tkwcanary_audit_cli_9f8e7d6c5b4a';
let cli: CliEnv;
let d: DaemonHandle;
let upstream: TestUpstream;
let key: string;

const segment = () => join(cli.env.TOKENWARDEN_HOME!, 'audit', 'audit-000001.jsonl');
const lines = () => JSON.parse(JSON.stringify(readFileSync(segment(), 'utf8').split('\n').filter(Boolean))) as string[];

beforeAll(async () => {
  cli = cliEnv();
  upstream = await startUpstream();
  d = await startDaemon(cli);
  expect((await cli.run(['add', 'api', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY })).code).toBe(0);
  key = (await cli.run(['proxy-env', 'api'])).stdout.match(/api:([A-Za-z0-9_-]+)@/)![1]!;
  for (const path of ['/a?token=abc', '/b', '/c']) expect((await send(d.port, { path: `/api${path}`, headers: { 'x-tokenwarden-key': key } })).status).toBe(200);
  expect((await send(d.port, { path: '/api/x', headers: { 'x-tokenwarden-key': 'not-the-key' } })).status).toBe(401);
}, 60_000);

afterAll(async () => {
  await d?.stop();
  await upstream?.close();
  cli?.cleanup();
});

describe('tkw audit, stats and alerts', () => {
  it('audit --json prints JSON Lines of entries; --status and --name filter; a table on request', async () => {
    await expect.poll(async () => (await cli.run(['audit', '--json', '--name', 'api', '--status', '2xx'])).stdout.trim().split('\n').filter(Boolean).length, { timeout: 10_000 }).toBe(3);
    const out = await cli.run(['audit', '--json', '--since', '1h', '--limit', '0']);
    expect(out.code).toBe(0);
    const entries = out.stdout.trim().split('\n').map((l) => AuditEntry.parse(JSON.parse(l)));
    expect(entries.filter((e) => e.kind === 'request').map((e) => e.path)).toEqual(['/a?token', '/b', '/c', '/x']);
    expect(entries.some((e) => e.kind === 'event' && e.action === 'add' && e.credential === 'api')).toBe(true);
    const limited = await cli.run(['audit', '--json', '--limit', '2']);
    expect(limited.stdout.trim().split('\n')).toHaveLength(2);
    const table = await cli.run(['audit', '--status', '4xx']);
    expect(table.stdout).toMatch(/^TIME\s+KIND\s+CREDENTIAL\s+STATUS/);
    expect(table.stdout).toContain('401 ERR_GATEWAY_KEY');
  });

  it('rejects bad filters with a coded, human error', async () => {
    const bad = await cli.run(['audit', '--status', 'teapot']);
    expect(bad.code).toBe(exitCodeFor('ERR_INVALID_INPUT'));
    expect(bad.stderr).toMatch(/Use a status like 429/);
    expect(bad.stderr).not.toMatch(/Invalid input|\[\s*"/);
    expect((await cli.run(['audit', '--since', 'yesterday-ish'])).stderr).toMatch(/duration like 1h/);
    expect((await cli.run(['audit', '--limit', '-3'])).code).toBe(exitCodeFor('ERR_USAGE'));
  });

  it('stats --json reports requests, classes and percentiles per credential', async () => {
    const report = StatsReport.parse(JSON.parse((await cli.run(['stats', '--json', '--since', '1h'])).stdout));
    expect(report.credentials[0]).toMatchObject({ name: 'api', requests: 4, errors: 1, classes: { '2xx': 3, '4xx': 1 } });
    expect((await cli.run(['stats'])).stdout).toMatch(/^NAME\s+REQUESTS\s+2XX/);
  });

  it('alerts lists the open key-misuse alert, status counts it, and ack closes it', async () => {
    const open = async () => z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout));
    // Whether this test process shows up as a new client depends on whether the daemon's /proc scan saw its
    // short-lived socket in time (CI flaked on it); that alert is not what this test is about, so close it first.
    for (const alert of (await open()).filter((a) => a.kind === 'new-client')) expect((await cli.run(['alerts', 'ack', alert.id])).code).toBe(0);
    const alerts = await open();
    expect(alerts.map((a) => a.kind)).toEqual(['key-misuse']);
    expect(VaultStatus.parse(JSON.parse((await cli.run(['status', '--json'])).stdout)).openAlerts).toBe(1);
    expect((await cli.run(['status'])).stdout).toMatch(/alerts\s+1 open/);
    expect((await cli.run(['alerts'])).stdout).toContain(alerts[0]!.id);
    expect((await cli.run(['alerts', 'ack'])).code).toBe(exitCodeFor('ERR_USAGE'));
    const ack = await cli.run(['alerts', 'ack', alerts[0]!.id]);
    expect(ack.stdout).toBe('acknowledged 1 alert\n');
    expect((await cli.run(['alerts'])).stdout).toBe('No open alerts.\n');
    expect(z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--all', '--json'])).stdout))[0]!.acknowledgedAt).not.toBeNull();
    expect((await cli.run(['alerts', 'ack', 'al_nope'])).code).toBe(exitCodeFor('ERR_NOT_FOUND'));
  });

  it('alerts ack --all acknowledges every open alert of the running daemon, and ack ID still takes one', async () => {
    const open = async () => z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout));
    // A wrong key for each credential: two key-misuse alerts (one per credential) in the daemon's store.
    expect((await cli.run(['add', 'api2', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: CANARY })).code).toBe(0);
    for (const name of ['api', 'api2']) expect((await send(d.port, { path: `/${name}/x`, headers: { 'x-tokenwarden-key': 'still-not-the-key' } })).status).toBe(401);
    await expect.poll(async () => (await open()).filter((a) => a.kind === 'key-misuse').length, { timeout: 10_000 }).toBe(2);
    const [first, ...rest] = await open();
    expect((await cli.run(['alerts', 'ack', first!.id])).stdout).toBe('acknowledged 1 alert\n');
    const all = await cli.run(['alerts', 'ack', '--all']);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    expect(all.stdout).toBe(`acknowledged ${rest.length} alert${rest.length === 1 ? '' : 's'}\n`);
    expect(await open()).toEqual([]);
    expect(JSON.parse((await cli.run(['alerts', 'ack', '--all', '--json'])).stdout)).toEqual({ acknowledged: 0 });
    expect((await cli.run(['alerts', 'ack', first!.id, '--all'])).code).toBe(exitCodeFor('ERR_USAGE'));
    // The parent's own --all still lists acknowledged alerts.
    expect(z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--all', '--json'])).stdout)).map((a) => a.id)).toEqual(expect.arrayContaining([first!.id, ...rest.map((a) => a.id)]));
  });

  it('audit --follow streams new entries from the running owner', async () => {
    const child = spawn(process.execPath, [BIN, 'audit', '--follow', '--json', '--limit', '1'], { env: cli.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    try {
      await expect.poll(() => out.split('\n').filter(Boolean).length, { timeout: 15_000 }).toBeGreaterThanOrEqual(1);
      // Subscribed once the first page printed; keep sending until a streamed entry shows up.
      await expect
        .poll(
          async () => {
            await send(d.port, { path: '/api/followed', headers: { 'x-tokenwarden-key': key } });
            return out.includes('"/followed"');
          },
          { timeout: 15_000, interval: 300 },
        )
        .toBe(true);
    } finally {
      child.kill('SIGINT');
    }
  });

  it('L2 audit verify: intact, then one flipped byte, a deleted line and two swapped lines each name the entry', async () => {
    const ok = await cli.run(['audit', 'verify']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^intact \(\d+ entries\)\n$/);
    await d.stop();
    const original = lines();
    // Each step starts from the log as the daemon left it; verify only reads (L4), so a step is just its edit.
    const write = (edited: string[]) => writeFileSync(segment(), `${edited.join('\n')}\n`);
    const restore = () => write(original);

    const b = original.findIndex((l) => l.includes('"path":"/b"'));
    expect(b).toBeGreaterThan(0);
    write(original.map((l, i) => (i === b ? l.replace('"/b"', '"/B"') : l)));
    const flipped = await cli.run(['audit', 'verify']);
    expect(flipped.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(flipped.stderr).toMatch(new RegExp(`entry #${b} \\(audit-000001\\.jsonl line ${b + 1}.*was changed.*\\(ERR_AUDIT_TAMPERED\\)`));

    write(original.filter((_l, i) => i !== 2));
    const deleted = await cli.run(['audit', 'verify', '--json']);
    expect(deleted.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(AuditVerifyResult.parse(JSON.parse(deleted.stdout)).problem).toMatchObject({ reason: 'removed', seq: 2 });

    const swapped = [...original];
    [swapped[4], swapped[5]] = [swapped[5]!, swapped[4]!];
    write(swapped);
    const reordered = await cli.run(['audit', 'verify']);
    expect(reordered.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(reordered.stderr).toMatch(/reordered/);

    write(original.slice(0, -2));
    const cut = await cli.run(['audit', 'verify', '--json']);
    expect(cut.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(AuditVerifyResult.parse(JSON.parse(cut.stdout)).problem).toMatchObject({ reason: 'removed', seq: original.length - 2 });

    restore();
    const again = await cli.run(['audit', 'verify']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toMatch(/^intact/);
    expect(cli.transcript.join('\n')).not.toContain(CANARY);
  });

  it('L2 a daemon that starts on a log cut short raises audit-tampered, and verify keeps naming the gap', async () => {
    await d.stop();
    const original = lines();
    writeFileSync(segment(), `${original.slice(0, -3).join('\n')}\n`);
    d = await startDaemon(cli);
    // Header plus entries #1..#N: the cut removed #N-2..#N.
    const last = original.length - 1;
    const range = `#${last - 2} to #${last} were removed while Tokenwarden was not running`;
    const tampered = async () => z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout)).filter((a) => a.kind === 'audit-tampered');
    await expect.poll(async () => (await tampered()).filter((a) => a.message.includes(range)).length, { timeout: 10_000 }).toBe(1);
    const verify = await cli.run(['audit', 'verify', '--json']);
    expect(AuditVerifyResult.parse(JSON.parse(verify.stdout)).problem).toMatchObject({ reason: 'removed', seq: original.length - 3 });
  });
});
