import { existsSync, readdirSync, rmSync } from 'node:fs';
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

function started(dir: string, peers: TcpPeerResolver): AuditMonitor {
  const monitor = new AuditMonitor({ home: dir, peers, flushMs: 1 });
  monitor.attach({ onEvent: () => () => undefined, emit: () => undefined }, unlockedVault());
  return monitor;
}

describe('AuditMonitor close', () => {
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
});
