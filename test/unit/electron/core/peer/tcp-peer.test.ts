import { once } from 'node:events';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TcpPeerResolver } from '../../../../../electron/core/peer/tcp-peer.ts';
import { useTempHomes } from '../../../../fixtures/vault-helpers.ts';

const home = useTempHomes('tw-peer-', { create: true });

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

  it('reads a /proc tree: the tcp6 table, the fd symlink and the exe', async () => {
    const proc = home();
    mkdirSync(join(proc, 'net'));
    const header = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    writeFileSync(join(proc, 'net', 'tcp'), header);
    // client port 0xC350 = 50000 talking to 0x1F90 = 8080
    writeFileSync(join(proc, 'net', 'tcp6'), `${header}   0: 0000000000000000FFFF00000100007F:C350 0000000000000000FFFF00000100007F:1F90 01 00000000:00000000 00:00000000 00000000  1000        0 777 1\n`);
    mkdirSync(join(proc, '4321', 'fd'), { recursive: true });
    symlinkSync('socket:[777]', join(proc, '4321', 'fd', '5'));
    symlinkSync('/usr/bin/curl', join(proc, '4321', 'exe'));
    const resolver = new TcpPeerResolver({ procRoot: proc, platform: 'linux' });
    expect(await resolver.resolve(50000, 8080)).toEqual({ pid: 4321, exe: '/usr/bin/curl' });
    expect(await resolver.resolve(50001, 8080)).toBeUndefined();
    expect(new TcpPeerResolver({ procRoot: proc, platform: 'darwin' }).resolve(50000, 8080)).toBeUndefined();
  });
});
