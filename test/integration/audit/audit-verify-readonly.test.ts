/**
 * SECURITY L4: `tkw audit verify` only reads. Every file under audit/ keeps its size and SHA-256 across a verify,
 * on an intact and on a damaged log, with no owner (the vault is opened only for the chain key) and through a
 * running daemon.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditVerifyResult } from '../../../shared/audit-model.ts';
import { exitCodeFor } from '../../../shared/errors.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';

const { setup, daemon } = useCliHomes();

const auditOf = (cli: CliEnv) => join(cli.env.TOKENWARDEN_HOME!, 'audit');
const segmentOf = (cli: CliEnv) => join(auditOf(cli), 'audit-000001.jsonl');
const linesOf = (cli: CliEnv) => readFileSync(segmentOf(cli), 'utf8').split('\n').filter(Boolean);
const writeLines = (cli: CliEnv, lines: string[]) => writeFileSync(segmentOf(cli), `${lines.join('\n')}\n`);

/** Relative path -> size and SHA-256 of every file under audit/, so an appended, rotated or rewritten file shows. */
function snapshot(cli: CliEnv): Record<string, { size: number; sha256: string }> {
  const out: Record<string, { size: number; sha256: string }> = {};
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else out[relative(auditOf(cli), path)] = { size: statSync(path).size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
    }
  };
  walk(auditOf(cli));
  return out;
}

/** Runs `tkw audit verify --json` and asserts that audit/ is byte for byte what it was before. */
async function verifyReadsOnly(cli: CliEnv): Promise<{ code: number | null; result: AuditVerifyResult; stderr: string }> {
  const before = snapshot(cli);
  expect(Object.keys(before)).toContain('audit-000001.jsonl');
  const run = await cli.run(['audit', 'verify', '--json']);
  expect(snapshot(cli)).toEqual(before);
  return { code: run.code, result: AuditVerifyResult.parse(JSON.parse(run.stdout)), stderr: run.stderr };
}

/** A home whose log a daemon wrote (unlock, three adds) and then closed. */
async function writtenLog(): Promise<CliEnv> {
  const cli = setup();
  const d = await daemon(cli);
  for (const name of ['one', 'two', 'three']) {
    expect((await cli.run(['add', name, '--host', `https://${name}.example`, '--token-stdin'], { input: `tok-${name}` })).code).toBe(0);
  }
  await d.stop();
  return cli;
}

describe('tkw audit verify only reads (L4)', () => {
  it('L4 with no owner running, verify of an intact log appends no unlock entry and leaves every file as it was', async () => {
    const cli = await writtenLog();
    const lines = linesOf(cli).length;
    const { code, result } = await verifyReadsOnly(cli);
    expect(code).toBe(0);
    expect(result).toEqual({ intact: true, entries: lines - 1, problem: null });
    // Twice: a first run that had sealed or anchored something would show on the second.
    expect((await verifyReadsOnly(cli)).result.entries).toBe(lines - 1);
  }, 60_000);

  it('L4 with no owner running, verify of a damaged log reports it and writes nothing: changed byte, deleted line, swapped lines, cut tail', async () => {
    const cli = await writtenLog();
    const original = linesOf(cli);
    const tampered = exitCodeFor('ERR_AUDIT_TAMPERED');

    writeLines(cli, original.map((l, i) => (i === 2 ? l.replace('"add"', '"adx"') : l)));
    const changed = await verifyReadsOnly(cli);
    expect(changed.code).toBe(tampered);
    expect(changed.result.problem).toMatchObject({ reason: 'changed', seq: 2 });

    writeLines(cli, original.filter((_l, i) => i !== 2));
    expect((await verifyReadsOnly(cli)).result.problem).toMatchObject({ reason: 'removed', seq: 2 });

    const swapped = [...original];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    writeLines(cli, swapped);
    expect((await verifyReadsOnly(cli)).result.problem).toMatchObject({ reason: 'reordered' });

    // A cut tail is what an opening writer would seal as a gap in a new segment: verify must only report it.
    writeLines(cli, original.slice(0, -2));
    const cut = await verifyReadsOnly(cli);
    expect(cut.code).toBe(tampered);
    expect(cut.result.problem).toMatchObject({ reason: 'removed', seq: original.length - 2 });
    expect(readdirSync(auditOf(cli)).filter((n) => n.endsWith('.jsonl'))).toEqual(['audit-000001.jsonl']);

    writeLines(cli, original);
    expect((await verifyReadsOnly(cli)).result.intact).toBe(true);
  }, 60_000);

  it('L4 a gap an owner sealed earlier is still named by a read-only verify, with no owner running', async () => {
    const cli = await writtenLog();
    const original = linesOf(cli);
    writeLines(cli, original.slice(0, -2));
    // The owner that starts writing is the one that seals the gap into a new segment's header.
    const d = await daemon(cli);
    await d.stop();
    expect(readdirSync(auditOf(cli))).toContain('audit-000002.jsonl');
    const { code, result } = await verifyReadsOnly(cli);
    expect(code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(result.problem).toMatchObject({ reason: 'removed', seq: original.length - 2, file: 'audit-000002.jsonl' });
    expect(result.problem!.message).toContain('found when the log was reopened');
  }, 60_000);

  it('L4 through a running daemon, verify of an intact and of a damaged log writes nothing', async () => {
    const cli = await writtenLog();
    await daemon(cli);
    // Settle: the daemon's own start-up entries are committed before the first snapshot.
    await expect.poll(async () => (await cli.run(['audit', 'verify'])).code, { timeout: 10_000 }).toBe(0);
    const intact = await verifyReadsOnly(cli);
    expect(intact.code).toBe(0);
    expect(intact.result.intact).toBe(true);

    const original = linesOf(cli);
    writeLines(cli, original.map((l, i) => (i === 2 ? l.replace('"add"', '"adx"') : l)));
    const changed = await verifyReadsOnly(cli);
    expect(changed.code).toBe(exitCodeFor('ERR_AUDIT_TAMPERED'));
    expect(changed.result.problem).toMatchObject({ reason: 'changed', seq: 2 });
    writeLines(cli, original);
  }, 60_000);
});
