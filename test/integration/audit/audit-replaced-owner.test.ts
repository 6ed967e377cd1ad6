/**
 * A user edits the open audit segment with `sed -i` under a running daemon, then copies a backup back: the daemon
 * notices at its next entry, and its alert says the entries went while it was running, not while it was stopped.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertItem, AuditVerifyResult } from '../../../shared/audit-model.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';

const { setup, daemon } = useCliHomes();

const add = async (cli: CliEnv, name: string) => expect((await cli.run(['add', name, '--host', `https://${name}.example`, '--token-stdin'], { input: `tok-${name}` })).code).toBe(0);
const tampered = async (cli: CliEnv) => z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json'])).stdout)).filter((a) => a.kind === 'audit-tampered');

describe('the audit log replaced under a running daemon', () => {
  it('L2 sed -i on the segment and a backup copied back: the alert says "while Tokenwarden was running", and a restart adds no "not running" one', async () => {
    const cli = setup();
    const d = await daemon(cli);
    const segment = join(cli.env.TOKENWARDEN_HOME!, 'audit', 'audit-000001.jsonl');
    const backup = join(cli.home, 'audit-backup.jsonl');
    await add(cli, 'one');
    copyFileSync(segment, backup);
    await add(cli, 'two');
    execFileSync('sed', ['-i', 's/"two"/"tw0"/', segment]);
    copyFileSync(backup, segment);
    // The daemon's next entry is where it looks at its file again.
    await add(cli, 'three');

    await expect.poll(async () => (await tampered(cli)).length, { timeout: 10_000 }).toBe(1);
    const [alert] = await tampered(cli);
    expect(alert!.message).toMatch(/^Audit entry #3 was removed while Tokenwarden was running \(the log file was replaced or cut under the owner writing it\)\.$/);
    expect(alert!.message).not.toContain('not running');
    const verify = AuditVerifyResult.parse(JSON.parse((await cli.run(['audit', 'verify', '--json'])).stdout));
    expect(verify.problem).toMatchObject({ reason: 'removed', seq: 3, file: 'audit-000002.jsonl' });

    // The gap is sealed in the log already: the next owner finds nothing new to report.
    await d.stop();
    await daemon(cli);
    await add(cli, 'four');
    expect((await tampered(cli)).map((a) => a.id)).toEqual([alert!.id]);
    expect(JSON.stringify(await tampered(cli))).not.toContain('not running');
  }, 90_000);
});
