import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describePeer, identifyUnixPeer, peerInodeFromSs, socketInode } from '../../../../../electron/core/peer/unix-peer.ts';

const SS = `Netid State Recv-Q Send-Q Local Address:Port Peer Address:PortProcess
u_str ESTAB 0      0      /tmp/tw data/control.sock 5001            * 5002
u_str ESTAB 0      0                       * 5002            /tmp/tw data/control.sock 5001
u_str ESTAB 0      0                       * 118             * 119
`;

describe('unix peer naming (best effort)', () => {
  it('reads socket inodes and finds the peer of our end in ss output, even with spaces in the path', () => {
    expect(socketInode('socket:[5001]')).toBe('5001');
    expect(socketInode('/dev/null')).toBeNull();
    expect(peerInodeFromSs(SS, '5001')).toBe('5002');
    expect(peerInodeFromSs(SS, '118')).toBe('119');
    expect(peerInodeFromSs(SS, '9999')).toBeNull();
  });

  it('describes a process by name, pid and the first two argv entries; unknown when nothing is known', () => {
    expect(describePeer({ pid: 7, name: 'node', command: 'node /usr/bin/tkw', startTime: '99' })).toEqual({
      description: 'node (pid 7: node /usr/bin/tkw)',
      key: 'control:7:99',
    });
    expect(describePeer(null)).toEqual({ description: 'an unidentified local process', key: 'control:unknown' });
  });

  it('says "unidentified" where the OS does not tell (not Linux, or ss missing)', async () => {
    const fake = {} as Socket;
    expect((await identifyUnixPeer(fake, { platform: 'darwin' })).description).toBe('an unidentified local process');
    expect((await identifyUnixPeer(fake, { platform: 'linux', listUnixSockets: async () => Promise.reject(new Error('ENOENT')) })).key).toBe('control:unknown');
  });

  const linuxWithSs = process.platform === 'linux' && spawnSync('ss', ['-V']).status === 0;
  it.runIf(linuxWithSs)('names the real process at the other end of a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tw-peer-'));
    const path = join(dir, 'control.sock');
    const server = createServer();
    const accepted = once(server, 'connection') as Promise<[Socket]>;
    server.listen(path);
    await once(server, 'listening');
    // A separate process that connects and then waits until we close it.
    const child = spawn(process.execPath, ['-e', `require('net').createConnection(${JSON.stringify(path)}).on('close', () => process.exit(0))`], { stdio: 'ignore' });
    try {
      const [socket] = await accepted;
      const caller = await identifyUnixPeer(socket);
      expect(caller.description).toMatch(new RegExp(`^node[^ ]* \\(pid ${child.pid}: `));
      expect(caller.key).toMatch(new RegExp(`^control:${child.pid}:\\d+$`));
      socket.destroy();
      await once(child, 'exit');
    } finally {
      child.kill();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
