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
  /** How long a resolved port is trusted when its connection is not tracked (see `track`). */
  ttlMs?: number;
  /** How long a request waits for its connection's lookup before it is recorded without a process. */
  waitMs?: number;
  now?: () => number;
}

/** Processes whose fd tables are read at once: few loop turns per scan, a bounded burst on the fs thread pool. */
const PIDS_PER_STEP = 16;

export class TcpPeerResolver {
  readonly #proc: string;
  readonly #enabled: boolean;
  readonly #ttlMs: number;
  readonly #waitMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, { at: number; value: PeerProcess | undefined }>();
  /**
   * One promise per port pair being looked up, shared by every request on that connection and settled by the scan
   * or by the wait deadline, whichever is first. A per-request timer and closure (54k of them alive in a heap
   * snapshot of an owner at c=200) is what made a slow scan expensive.
   */
  readonly #inFlight = new Map<string, { promise: Promise<PeerProcess | undefined>; settle: (value: PeerProcess | undefined) => void }>();
  /** Port pairs waiting for the next /proc scan; one scan answers all of them. */
  #wanted = new Set<string>();
  #scanning = false;
  /** Port pairs of connections still open: their answer cannot change, so it never expires. */
  readonly #live = new Set<string>();

  constructor(options: PeerResolverOptions = {}) {
    this.#proc = options.procRoot ?? '/proc';
    this.#enabled = (options.platform ?? process.platform) === 'linux';
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#waitMs = options.waitMs ?? 500;
    this.#now = options.now ?? Date.now;
  }

  /** The process whose socket has local port `clientPort` and talks to `serverPort`; never throws. */
  resolve(clientPort: number, serverPort: number): Promise<PeerProcess | undefined> | PeerProcess | undefined {
    if (!this.#enabled || !clientPort || !serverPort) return undefined;
    const key = `${clientPort}:${serverPort}`;
    const hit = this.#cache.get(key);
    if (hit && (this.#live.has(key) || this.#now() - hit.at < this.#ttlMs)) return hit.value;
    const pending = this.#inFlight.get(key);
    if (pending) return pending.promise;
    let settle!: (value: PeerProcess | undefined) => void;
    const promise = new Promise<PeerProcess | undefined>((resolve) => (settle = resolve));
    const deadline = setTimeout(() => {
      // Too slow (a busy loop, a huge fd table): this connection's requests go on without a process for now.
      this.#inFlight.delete(key);
      if (!this.#cache.has(key)) this.#cache.set(key, { at: this.#now(), value: undefined });
      settle(undefined);
    }, this.#waitMs);
    deadline.unref?.();
    this.#inFlight.set(key, {
      promise,
      settle: (value) => {
        clearTimeout(deadline);
        settle(value);
      },
    });
    this.#wanted.add(key);
    if (!this.#scanning) void this.#scan();
    return promise;
  }

  /**
   * A new connection: starts its lookup while the socket surely exists and keeps the answer for the connection's
   * life. Re-scanning /proc every few seconds for a keep-alive connection cost ~4 µs per request in a profile of
   * the owner under load; the port pair can only change owner after the connection closes. Call the result then.
   */
  track(clientPort: number, serverPort: number): () => void {
    if (!this.#enabled || !clientPort || !serverPort) return () => undefined;
    const key = `${clientPort}:${serverPort}`;
    this.#live.add(key);
    void this.resolve(clientPort, serverPort);
    return () => {
      this.#live.delete(key);
      this.#cache.delete(key);
    };
  }

  async #scan(): Promise<void> {
    this.#scanning = true;
    try {
      while (this.#wanted.size > 0) {
        const batch = this.#wanted;
        this.#wanted = new Set();
        const found = await this.#lookup([...batch]).catch(() => new Map<string, PeerProcess>());
        const at = this.#now();
        if (this.#cache.size > 4096) this.#cache.clear();
        for (const key of batch) {
          const value = found.get(key);
          this.#cache.set(key, { at, value });
          this.#inFlight.get(key)?.settle(value);
          this.#inFlight.delete(key);
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
        const key = `${portOf(cols[1]!)}:${portOf(cols[2]!)}`;
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
    // A few processes at a time, each fd table read in parallel: one sequential await per fd starved under load
    // (each await waits for a whole busy event-loop turn), so a scan took seconds exactly when it mattered.
    for (let i = 0; i < pids.length && inodes.size > 0; i += PIDS_PER_STEP) {
      await Promise.all(pids.slice(i, i + PIDS_PER_STEP).map((pid) => this.#matchProcess(pid, inodes, out)));
    }
    return out;
  }

  /** Records `pid` as the owner of every wanted socket inode among its open fds. */
  async #matchProcess(pid: string, inodes: Map<string, string>, out: Map<string, PeerProcess>): Promise<void> {
    const fdDir = join(this.#proc, pid, 'fd');
    const fds = await readdir(fdDir).catch(() => [] as string[]);
    const targets = await Promise.all(fds.map((fd) => readlink(join(fdDir, fd)).catch(() => '')));
    const keys = targets.map((target) => inodes.get(target)).filter((key): key is string => key !== undefined);
    if (keys.length === 0) return;
    const exe = await readlink(join(this.#proc, pid, 'exe')).catch(() => null);
    for (const key of keys) out.set(key, { pid: Number(pid), exe });
    for (const target of targets) inodes.delete(target);
  }
}

/** `0100007F:1F90` -> 8080 */
function portOf(address: string): number {
  const colon = address.lastIndexOf(':');
  return parseInt(address.slice(colon + 1), 16);
}
