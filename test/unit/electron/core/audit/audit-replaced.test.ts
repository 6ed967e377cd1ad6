/**
 * The open segment replaced under a running owner (`sed -i` makes a new file; copying a backup back then cuts
 * its newest entries): the owner notices at its next commit and says it happened while it was running.
 */
import { copyFileSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AuditMonitor } from '../../../../../electron/core/audit/audit-monitor.ts';
import { queryAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-replaced-', { create: true });

function unlockedVault() {
  const secrets = new Map<string, string>();
  return {
    isLocked: () => false,
    getSecret: (name: string) => secrets.get(name),
    setSecret: async (name: string, value: string | undefined) => void (value === undefined ? secrets.delete(name) : secrets.set(name, value)),
    list: () => [],
  };
}

function started(dir: string): AuditMonitor {
  return new AuditMonitor({ home: dir, peers: false, flushMs: 1, vault: unlockedVault(), events: { on: () => () => undefined, emit: () => undefined } });
}

async function events(monitor: AuditMonitor, actions: string[]): Promise<void> {
  for (const action of actions) monitor.event(action, null);
  await monitor.log.flush();
}

/** What `sed -i` does: the edited text goes to a new file that is renamed over the old one (a new inode). */
function sedInPlace(path: string, edit: (text: string) => string): void {
  writeFileSync(`${path}.sed`, edit(readFileSync(path, 'utf8')));
  renameSync(`${path}.sed`, path);
}

const tampered = (monitor: AuditMonitor) => monitor.list().filter((a) => a.kind === 'audit-tampered');

describe('the audit log replaced under a running owner (L2)', () => {
  it('L2 sed -i and then a backup copied back: the alert says the entries were removed while Tokenwarden was running, and verify names them', async () => {
    const dir = home();
    const monitor = started(dir);
    await events(monitor, ['one', 'two']);
    const segment = join(monitor.dir, 'audit-000001.jsonl');
    copyFileSync(segment, join(dir, 'backup.jsonl'));
    await events(monitor, ['three', 'four']);
    sedInPlace(segment, (text) => text.replace('"three"', '"thr33"'));
    copyFileSync(join(dir, 'backup.jsonl'), segment);

    await events(monitor, ['five']);
    await monitor.log.flush();
    const [alert] = tampered(monitor);
    expect(alert?.message).toBe('Audit entries #3 to #4 were removed while Tokenwarden was running (the log file was replaced or cut under the owner writing it).');
    expect(alert?.message).not.toContain('not running');
    const verified = await monitor.verify();
    expect(verified.problem).toMatchObject({ reason: 'removed', seq: 3, file: 'audit-000002.jsonl' });
    expect(verified.problem!.message).toContain('removed while Tokenwarden was running');
    await monitor.close();
    const { entries } = await queryAudit(monitor.dir);
    expect(entries.map((e) => e.action ?? e.kind)).toEqual(['one', 'two', 'five', 'audit-gap', 'alert']);
  });

  it('L2 a backup copied over the open file itself (same file, shorter) is caught the same way', async () => {
    const dir = home();
    const monitor = started(dir);
    await events(monitor, ['one']);
    const segment = join(monitor.dir, 'audit-000001.jsonl');
    copyFileSync(segment, join(dir, 'backup.jsonl'));
    await events(monitor, ['two', 'three']);
    copyFileSync(join(dir, 'backup.jsonl'), segment);
    await events(monitor, ['four']);
    await monitor.log.flush();
    expect(tampered(monitor).map((a) => a.message)).toEqual([expect.stringMatching(/^Audit entries #2 to #3 were removed while Tokenwarden was running/)]);
    await monitor.close();
  });

  it('L2 a file replaced with nothing missing from its end (one line edited by sed -i) raises an alert naming the file; verify names the entry', async () => {
    const dir = home();
    const monitor = started(dir);
    await events(monitor, ['one', 'two']);
    const segment = join(monitor.dir, 'audit-000001.jsonl');
    sedInPlace(segment, (text) => text.replace('"one"', '"0ne"'));
    await events(monitor, ['three']);
    await monitor.log.flush();
    expect(tampered(monitor).map((a) => a.message)).toEqual([expect.stringContaining('audit-000001.jsonl was replaced or rewritten while this owner was running')]);
    expect((await monitor.verify()).problem).toMatchObject({ reason: 'changed', seq: 1 });
    await monitor.close();
  });

  it('L2 the open file deleted under the owner: the entries it held are named as removed while running', async () => {
    const dir = home();
    const monitor = started(dir);
    await events(monitor, ['one', 'two']);
    rmSync(join(monitor.dir, 'audit-000001.jsonl'));
    await events(monitor, ['three']);
    await monitor.log.flush();
    expect(tampered(monitor).map((a) => a.message)).toEqual([expect.stringMatching(/^Audit entries #1 to #2 were removed while Tokenwarden was running/)]);
    await monitor.close();
  });

  it('L2 an undisturbed log raises nothing and stays intact across many commits', async () => {
    const dir = home();
    const monitor = started(dir);
    for (let i = 0; i < 5; i++) await events(monitor, [`e${i}`]);
    expect(tampered(monitor)).toEqual([]);
    expect(await monitor.verify()).toMatchObject({ intact: true, entries: 5 });
    await monitor.close();
  });
});
