/**
 * SECURITY L5 through the real CLI and daemon: a log of small segments (TOKENWARDEN_AUDIT_MAX_BYTES), written by
 * proxied requests, loses its two oldest files while ten are kept. `tkw audit verify` fails naming them, and the
 * next owner raises audit-tampered and seals the deletion, which verify then keeps naming.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertItem, AuditVerifyResult } from '../../../shared/audit-model.ts';
import { exitCodeFor } from '../../../shared/errors.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const { setup, daemon } = useCliHomes();
let upstream: TestUpstream;

beforeEach(async () => {
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
});

const auditOf = (cli: CliEnv) => join(cli.env.TOKENWARDEN_HOME!, 'audit');
const segmentsOf = (cli: CliEnv) => readdirSync(auditOf(cli)).filter((n) => n.endsWith('.jsonl')).sort();
const onDisk = (cli: CliEnv) => segmentsOf(cli).map((n) => readFileSync(join(auditOf(cli), n), 'utf8')).join('');
const proxyKey = async (cli: CliEnv) => (await cli.run(['proxy-env', 'api'])).stdout.match(/api:([A-Za-z0-9_-]+)@/)![1]!;

function get(agent: Agent, port: number, key: string, path: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'x-tokenwarden-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Proxied requests with long paths (about 2 KB per entry) until the owner has opened segment 5. */
async function fillFiveSegments(cli: CliEnv): Promise<void> {
  const d = await daemon(cli);
  const key = await proxyKey(cli);
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const long = 'p'.repeat(1800);
  try {
    for (let batch = 0; !segmentsOf(cli).includes('audit-000005.jsonl'); batch++) {
      const paths = Array.from({ length: 8 }, (_, i) => `/${batch}/${i}/${long}`);
      expect(await Promise.all(paths.map((path) => get(agent, d.port, key, `/api${path}`)))).toEqual(paths.map(() => 200));
      // Committed before the next batch, so writing stops right after segment 5 opens.
      await expect.poll(() => paths.every((path) => onDisk(cli).includes(`"path":"${path}"`)), { timeout: 10_000, interval: 20 }).toBe(true);
    }
  } finally {
    agent.destroy();
  }
  await d.stop();
}

const verifyJson = async (cli: CliEnv) => {
  const run = await cli.run(['audit', 'verify', '--json']);
  return { code: run.code, result: AuditVerifyResult.parse(JSON.parse(run.stdout)) };
};

describe('tkw audit verify and deleted segments (L5)', () => {
  it('L5 deleting the two oldest of five small segments (ten kept) fails tkw audit verify with ERR_AUDIT_TAMPERED naming them, and the next owner raises audit-tampered', async () => {
    const cli = setup({ TOKENWARDEN_AUDIT_MAX_BYTES: String(64 * 1024), TOKENWARDEN_AUDIT_MAX_FILES: '10' });
    expect((await cli.run(['add', 'api', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: 'tkw-l5-token' })).code).toBe(0);
    await fillFiveSegments(cli);
    expect(segmentsOf(cli)).toHaveLength(5);
    const intact = await cli.run(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^intact \(\d+ entries\)\n$/);

    rmSync(join(auditOf(cli), 'audit-000001.jsonl'));
    rmSync(join(auditOf(cli), 'audit-000002.jsonl'));
    const tampered = await cli.run(['audit', 'verify']);
    expect(tampered.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(tampered.stdout).toBe('');
    expect(tampered.stderr).toContain('Audit segments audit-000001.jsonl to audit-000002.jsonl were deleted, though retention had to keep them');
    expect(tampered.stderr).toContain('retention had dropped no segment');
    expect(tampered.stderr).toContain('(ERR_AUDIT_TAMPERED)');
    expect((await verifyJson(cli)).result.problem).toMatchObject({ reason: 'removed', file: 'audit-000001.jsonl' });

    // The next owner that writes says so and seals it into a new segment's header.
    const d = await daemon(cli);
    const alerts = z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout));
    expect(alerts.filter((a) => a.kind === 'audit-tampered').map((a) => a.message)).toEqual([expect.stringContaining('audit-000001.jsonl to audit-000002.jsonl were deleted')]);
    await d.stop();
    expect(segmentsOf(cli)).toContain('audit-000006.jsonl');
    const sealed = await verifyJson(cli);
    expect(sealed.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(sealed.result.problem).toMatchObject({ reason: 'removed', file: 'audit-000006.jsonl', message: expect.stringContaining('found when the log was reopened') });
  }, 90_000);

  it('L5 files retention dropped itself (three kept) leave verify intact, and it says which were dropped', async () => {
    const cli = setup({ TOKENWARDEN_AUDIT_MAX_BYTES: String(64 * 1024), TOKENWARDEN_AUDIT_MAX_FILES: '3' });
    expect((await cli.run(['add', 'api', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: 'tkw-l5-token' })).code).toBe(0);
    await fillFiveSegments(cli);
    expect(segmentsOf(cli)).toEqual(['audit-000003.jsonl', 'audit-000004.jsonl', 'audit-000005.jsonl']);
    const intact = await cli.run(['audit', 'verify']);
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/^intact \(\d+ entries\); retention dropped audit-000001\.jsonl\b.*audit-000002\.jsonl\n$/);
  }, 180_000);
});
