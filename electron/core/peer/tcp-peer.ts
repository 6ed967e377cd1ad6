/**
 * Best-effort client attribution on Linux: the proxy's TCP peer -> the socket inode in /proc/net/tcp(6) ->
 * the process holding it in /proc/<pid>/fd -> its exe. Elsewhere, or when the socket is gone, nothing.
 */
import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';

export interface PeerProcess {
  pid: number;
  exe: string | null;
}

export interface PeerResolverOptions {
  procRoot?: string;
  platform?: NodeJS.Platform;
  /** How long a resolved port is trusted (a keep-alive connection asks once). */
  ttlMs?: number;
  now?: () => number;
}

export class TcpPeerResolver {
  readonly #proc: string;
  readonly #enabled: boolean;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; value: PeerProcess | undefined }>();
  /** Ports waiting for the next /proc scan; one scan answers all of them. */
  #wanted = new Map<string, ((value: PeerProcess | undefined) => void)[]>();
  #scanning = false;

  constructor(options: PeerResolverOptions = {}) {
    this.#proc = options.procRoot ?? '/proc';
    this.#enabled = (options.platform ?? process.platform) === 'linux';
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  /** The process whose socket has local port `clientPort` and talks to `serverPort`; never throws. */
  resolve(clientPort: number, serverPort: number): Promise<PeerProcess | undefined> | PeerProcess | undefined {
    if (!this.#enabled || !clientPort || !serverPort) return undefined;
    const key = `${clientPort}:${serverPort}`;
    const hit = this.#cache.get(key);
    if (hit && this.#now() - hit.at < this.#ttlMs) return hit.value;
    return new Promise((resolve) => {
      const waiters = this.#wanted.get(key);
      if (waiters) waiters.push(resolve);
      else this.#wanted.set(key, [resolve]);
      if (!this.#scanning) void this.#scan();
    });
  }

  async #scan(): Promise<void> {
    this.#scanning = true;
    try {
      while (this.#wanted.size > 0) {
        const batch = this.#wanted;
        this.#wanted = new Map();
        const found = await this.#lookup([...batch.keys()]).catch(() => new Map<string, PeerProcess>());
        const at = this.#now();
        if (this.#cache.size > 4096) this.#cache.clear();
        for (const [key, waiters] of batch) {
          const value = found.get(key);
          this.#cache.set(key, { at, value });
          for (const done of waiters) done(value);
        }
      }
    } finally {
      this.#scanning = false;
    }
  }

  async #lookup(keys: string[]): Promise<Map<string, PeerProcess>> {
    const inodes = new Map<string, string>();
    const wanted = new Set(keys);
    for (const table of ['net/tcp', 'net/tcp6']) {
      const text = await readFile(join(this.#proc, table), 'utf8').catch(() => '');
      for (const line of text.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10) continue;
        const local = portOf(cols[1]!);
        const remote = portOf(cols[2]!);
        const key = `${local}:${remote}`;
        if (wanted.has(key) && cols[9] !== '0') inodes.set(`socket:[${cols[9]}]`, key);
      }
    }
    const out = new Map<string, PeerProcess>();
    if (inodes.size === 0) return out;
    // Short-lived clients (curl) have recent, high pids and in-process clients are this pid: look there first,
    // because a connection that closes before the scan reaches its process cannot be attributed.
    const self = String(process.pid);
    const others = (await readdir(this.#proc).catch(() => [] as string[])).filter((d) => /^\d+$/.test(d) && d !== self).sort((a, b) => Number(b) - Number(a));
    const pids = [self, ...others];
    for (const pid of pids) {
      const fdDir = join(this.#proc, pid, 'fd');
      const fds = await readdir(fdDir).catch(() => [] as string[]);
      for (const fd of fds) {
        const target = await readlink(join(fdDir, fd)).catch(() => '');
        const key = inodes.get(target);
        if (!key) continue;
        const exe = await readlink(join(this.#proc, pid, 'exe')).catch(() => null);
        out.set(key, { pid: Number(pid), exe });
        inodes.delete(target);
        if (inodes.size === 0) return out;
      }
    }
    return out;
  }
}

/** `0100007F:1F90` -> 8080 */
function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return parseInt(address.slice(colon + 1), 16);
}
