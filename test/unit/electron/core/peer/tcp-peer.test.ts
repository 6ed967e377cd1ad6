import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TcpPeerResolver } from '../../../../../electron/core/peer/tcp-peer.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-peer-', { create: true });

/**
 * A /proc tree where pid 4321 (/usr/bin/curl) holds socket inode 777, listed in `table` with the given
 * "local remote" addresses; the other table is empty. Client port 0xC350 = 50000 talks to 0x1F90 = 8080.
 */
function fakeProc(table: 'tcp' | 'tcp6', addresses: string): string {
  const proc = home();
  mkdirSync(join(proc, 'net'));
  const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
  writeFileSync(join(proc, 'net', table === 'tcp' ? 'tcp6' : 'tcp'), header);
  writeFileSync(join(proc, 'net', table), `${header}   0: ${addresses} 01 00000000:00000000 00:00000000 00000000  1000        0 777 1\n`);
  mkdirSync(join(proc, '4321', 'fd'), { recursive: true });
  symlinkSync('socket:[777]', join(proc, '4321', 'fd', '5'));
  symlinkSync('/usr/bin/curl', join(proc, '4321', 'exe'));
  return proc;
}

describe('TcpPeerResolver', () => {
  it.runIf(process.platform === 'linux')('finds this process as the peer of an open loopback connection', async () => {
    const server = createServer();
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    const [socket] = await accepted;
    try {
      const found = await new TcpPeerResolver().resolve(socket.remotePort!, socket.localPort!);
      expect(found).toEqual({ pid: process.pid, exe: process.execPath });
    } finally {
      client.destroy();
      socket.destroy();
      server.close();
    }
  });

  it('L1: a tracked connection keeps its process after the TTL; once closed, the port pair is looked up again', async () => {
    const proc = fakeProc('tcp', '0100007F:C350 0100007F:1F90');
    let now = 0;
    const resolver = new TcpPeerResolver({ procRoot: proc, platform: 'linux', ttlMs: 1000, now: () => now });
    const closed = resolver.track(50000, 8080);
    expect(await resolver.resolve(50000, 8080)).toEqual({ pid: 4321, exe: '/usr/bin/curl' });
    now = 60_000;
    // Past the TTL, the open connection's answer is still a plain value: no /proc scan per request.
    expect(resolver.resolve(50000, 8080)).toEqual({ pid: 4321, exe: '/usr/bin/curl' });
    closed();
    // The port pair may now belong to another process: the next request asks /proc again.
    expect(resolver.resolve(50000, 8080)).toBeInstanceOf(Promise);
  });

  it.runIf(process.platform === 'linux')('L3: requests on one connection share one lookup, and a stuck scan answers "no process" at the deadline', async () => {
    const proc = home();
    mkdirSync(join(proc, 'net'));
    // A FIFO with no writer: reading the tcp table blocks until the test releases it.
    execFileSync('mkfifo', [join(proc, 'net', 'tcp')]);
    const resolver = new TcpPeerResolver({ procRoot: proc, platform: 'linux', waitMs: 20 });
    const first = resolver.resolve(50000, 8080);
    expect(first).toBeInstanceOf(Promise);
    expect(resolver.resolve(50000, 8080)).toBe(first);
    expect(await first).toBeUndefined();
    // Past the deadline the connection's requests go on at once, without waiting again.
    expect(resolver.resolve(50000, 8080)).toBeUndefined();
    writeFileSync(join(proc, 'net', 'tcp'), '');
  });

  it('reads a /proc tree: the tcp6 table, the fd symlink and the exe', async () => {
    const proc = fakeProc('tcp6', '0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1F90');
    const resolver = new TcpPeerResolver({ procRoot: proc, platform: 'linux' });
    expect(await resolver.resolve(50000, 8080)).toEqual({ pid: 4321, exe: '/usr/bin/curl' });
    expect(await resolver.resolve(50001, 8080)).toBeUndefined();
    expect(new TcpPeerResolver({ procRoot: proc, platform: 'darwin' }).resolve(50000, 8080)).toBeUndefined();
  });
});
