import { existsSync, readdirSync, rmSync } from 'node:fs';
import { rewriteSegment } from '../../../../fixtures/audit-helpers.ts';
import { describe, expect, it } from 'vitest';
import { AuditMonitor } from '../../../../../electron/core/audit/audit-monitor.ts';
import { queryAudit } from '../../../../../electron/core/audit/audit-reader.ts';
import { TcpPeerResolver, type PeerProcess } from '../../../../../electron/core/peer/tcp-peer.ts';
import type { UsageEvent } from '../../../../../electron/core/proxy/backend.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-audit-monitor-', { create: true });

/** A resolver whose lookups stay pending until the test answers them, like a /proc scan on a busy owner. */
class HeldPeers extends TcpPeerResolver {
  readonly held: Array<(peer: PeerProcess | undefined) => void> = [];
  override resolve(): Promise<PeerProcess | undefined> {
    return new Promise((resolve) => this.held.push(resolve));
  }
}

const unlockedVault = () => {
  const secrets = new Map<string, string>();
  return {
    isLocked: () => false,
    getSecret: (name: string) => secrets.get(name),
    setSecret: async (name: string, value: string | undefined) => void (value === undefined ? secrets.delete(name) : secrets.set(name, value)),
    list: () => [],
  };
};

const usage: UsageEvent = { name: 'github', method: 'GET', host: 'api.github.com', path: '/user', status: 200, durationMs: 3, mode: 'gateway', peer: { port: 40000, localPort: 8787 } };

function started(dir: string, peers: TcpPeerResolver, vault = unlockedVault()): AuditMonitor {
  return new AuditMonitor({ home: dir, peers, flushMs: 1, vault, events: { on: () => () => undefined, emit: () => undefined } });
}

describe('AuditMonitor', () => {
  it('L1 a request still being attributed when the owner closes is recorded, with its process, before close returns', async () => {
    const dir = home();
    const peers = new HeldPeers();
    const monitor = started(dir, peers);
    monitor.recordUsage(usage);
    expect(peers.held).toHaveLength(1);
    const closing = monitor.close();
    peers.held[0]!({ pid: 4242, exe: '/usr/bin/curl' });
    await closing;
    const { entries } = await queryAudit(monitor.dir);
    expect(entries.filter((e) => e.kind === 'request')).toEqual([expect.objectContaining({ credential: 'github', path: '/user', status: 200 })]);
    expect(JSON.stringify(entries)).toContain('/usr/bin/curl');
  });

  it('L3 nothing is written after close: a late event never recreates the data directory being removed', async () => {
    const dir = home();
    const monitor = started(dir, new HeldPeers());
    monitor.event('lock', null);
    await monitor.close();
    expect(readdirSync(monitor.dir).length).toBeGreaterThan(0);
    rmSync(dir, { recursive: true, force: true });
    monitor.event('late', null);
    await monitor.log.flush();
    expect(existsSync(dir)).toBe(false);
    expect(monitor.log.dropped).toBe(1);
  });

  it('L2 an owner that opens a log whose newest lines were removed says so in the log and raises audit-tampered', async () => {
    const dir = home();
    const vault = unlockedVault();
    const first = started(dir, new HeldPeers(), vault);
    for (const action of ['one', 'two', 'three']) first.event(action, null);
    await first.close();
    rewriteSegment(first.dir, 1, (lines) => lines.slice(0, -2));

    const second = started(dir, new HeldPeers(), vault);
    second.event('after-restart', null);
    await second.log.flush();
    await second.log.flush();
    expect(second.list()).toEqual([expect.objectContaining({ kind: 'audit-tampered', level: 'error', message: expect.stringContaining('#2 to #3 were removed') })]);
    const verified = await second.verify();
    expect(verified.problem).toMatchObject({ reason: 'removed', seq: 2 });
    await second.close();
    const { entries } = await queryAudit(second.dir);
    expect(entries.map((e) => e.action ?? e.kind)).toEqual(['one', 'after-restart', 'audit-gap', 'alert']);
  });
});
