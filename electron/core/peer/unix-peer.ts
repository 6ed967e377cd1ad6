/**
 * Best-effort name of the process at the other end of an accepted control-socket connection, for the
 * "Ask before revealing a token" dialog. Node exposes no SO_PEERCRED, and /proc/net/unix lists no peers,
 * so on Linux: our end's inode (from /proc/self/fd), the peer's inode (from `ss -x`, which reads the
 * kernel's sock_diag), then the process that holds that inode (a walk of /proc/<pid>/fd). Any step that
 * fails gives "an unidentified local process": the dialog still asks, it just cannot name the caller.
 * Same-user processes can lie about themselves anyway (argv, comm); this is a hint, not authentication.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { basename } from 'node:path';
import type { RevealCaller } from '../reveal/reveal-gate.ts';

export interface PeerProcess {
  pid: number;
  /** The executable's file name (/proc/<pid>/exe), else comm (which runtimes rename, e.g. Node's "MainThread"). */
  name: string;
  /** The first two argv entries (interpreter and script), never the rest: argv may hold secrets. */
  command: string;
  /** Kernel start time in clock ticks, so a reused pid is a different caller. */
  startTime: string;
}

export interface UnixPeerDeps {
  platform?: NodeJS.Platform;
  procRoot?: string;
  /** Returns `ss -xn` output; injectable so the parser is tested without the tool. */
  listUnixSockets?: () => Promise<string>;
}

const UNKNOWN: RevealCaller = { description: 'an unidentified local process', key: 'control:unknown' };

/** `socket:[12345]` → 12345. */
export function socketInode(link: string): string | null {
  return /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? null;
}

/** In `ss -xn` output, the peer inode of the socket whose own inode is `inode`. */
export function peerInodeFromSs(output: string, inode: string): string | null {
  // Netid State Recv-Q Send-Q Local-Address Local-Inode Peer-Address Peer-Inode; addresses are paths and may hold spaces.
  const row = new RegExp(`^u_(?:str|seq)\\s+\\S+\\s+\\d+\\s+\\d+\\s+.*?\\s${inode}\\s+.+?\\s+(\\d+)\\s*$`);
  for (const line of output.split('\n')) {
    const match = row.exec(line.trim());
    if (match) return match[1]!;
  }
  return null;
}

export function describePeer(peer: PeerProcess | null): RevealCaller {
  if (!peer) return UNKNOWN;
  const command = peer.command && peer.command !== peer.name ? `: ${peer.command}` : '';
  return { description: `${peer.name} (pid ${peer.pid}${command})`, key: `control:${peer.pid}:${peer.startTime}` };
}

function runSs(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('ss', ['-xn'], { timeout: 2000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}

/** The process (other than us) holding a file descriptor on socket `inode`; only readable /proc entries are seen. */
export async function processHoldingSocket(inode: string, procRoot = '/proc'): Promise<PeerProcess | null> {
  const target = `socket:[${inode}]`;
  for (const entry of await readdir(procRoot).catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`${procRoot}/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`${procRoot}/${entry}/fd/${fd}`).catch(() => '')) !== target) continue;
      return readProcess(Number(entry), procRoot);
    }
  }
  return null;
}

async function readProcess(pid: number, procRoot: string): Promise<PeerProcess | null> {
  const exe = await readlink(`${procRoot}/${pid}/exe`).catch(() => '');
  const name = basename(exe.replace(/ \(deleted\)$/, '')) || (await readFile(`${procRoot}/${pid}/comm`, 'utf8').catch(() => '')).trim();
  if (!name) return null;
  const argv = (await readFile(`${procRoot}/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').filter(Boolean);
  const stat = await readFile(`${procRoot}/${pid}/stat`, 'utf8').catch(() => '');
  // Field 22 (starttime) counted after the ")" that ends comm, which may itself contain spaces.
  const startTime = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? '';
  return { pid, name, command: argv.slice(0, 2).join(' ').slice(0, 200), startTime };
}

/** Names the peer of an accepted unix-socket connection; never throws. */
export async function identifyUnixPeer(socket: Socket, deps: UnixPeerDeps = {}): Promise<RevealCaller> {
  if ((deps.platform ?? process.platform) !== 'linux') return UNKNOWN;
  const procRoot = deps.procRoot ?? '/proc';
  try {
    const fd = (socket as unknown as { _handle?: { fd?: number } })._handle?.fd;
    if (typeof fd !== 'number' || fd < 0) return UNKNOWN;
    const ours = socketInode(await readlink(`${procRoot}/self/fd/${fd}`));
    if (!ours) return UNKNOWN;
    const peer = peerInodeFromSs(await (deps.listUnixSockets ?? runSs)(), ours);
    return peer ? describePeer(await processHoldingSocket(peer, procRoot)) : UNKNOWN;
  } catch {
    return UNKNOWN;
  }
}
