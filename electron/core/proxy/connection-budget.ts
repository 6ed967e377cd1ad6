/**
 * The proxy's socket budget (SECURITY P10): a short deadline for a connection's first request, a cap per peer
 * address, and eviction of idle sockets before a new connection is ever refused, so idle local sockets cannot starve
 * a client that holds the key.
 *
 * Two caps. Past the soft ones (maxSockets, maxPerPeer) only idle keep-alive sockets are evicted: on loopback every
 * client is the one peer 127.0.0.1, and a burst of new sockets is requests still being read, not a hoard, so it is
 * admitted rather than reset. Past the hard caps (twice the soft ones) a socket that has sent nothing at all is
 * evicted, which is what a hoarder holds; when every socket is busy, the newcomer is shed: its request is answered
 * 503 with Retry-After (ERR_OVERLOADED) before any policy, key or use is looked at.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

export interface BudgetOptions {
  /** All sockets the listener keeps open at once. */
  maxSockets: number;
  /** Sockets one remote address may hold; any 127.x address can be a source, so this is a fairness cap, not a wall. */
  maxPerPeer: number;
  /** A new connection must deliver its first complete request head (which carries the key) within this time. */
  firstRequestTimeoutMs: number;
  log?: ((line: string) => void) | undefined;
}

/**
 * `fresh`: no request yet (nothing proven). `busy`: a request is being answered. `idle`: keep-alive between requests.
 * `tunnel`: a CONNECT socket, owned by the tunnel code from then on.
 */
type State = 'fresh' | 'busy' | 'idle' | 'tunnel';

interface Entry {
  socket: Socket;
  peer: string;
  state: State;
  /** Set once a response on this socket was not an authentication refusal. */
  proven: boolean;
  /** Admitted past the hard caps with nothing to evict: its requests are answered 503 and it is closed. */
  shed: boolean;
  /** Requests being answered; more than one only when a client pipelines. */
  active: number;
  /** Set at the first request head: from then on a return to `fresh` (after a refusal) is timed out however it ends. */
  answered: boolean;
  /** A head that was still arriving at the first deadline got its one extension. */
  graced: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Statuses with which the proxy refuses a request before, or because of, the key: the peer proved nothing. */
const UNPROVEN_STATUSES = new Set([401, 407, 421]);

export interface BudgetStats {
  open: number;
  fresh: number;
  busy: number;
  idle: number;
  tunnel: number;
  evicted: number;
  timedOut: number;
  /** Connections answered 503 because every socket was busy. */
  shed: number;
}

/** What a burst may add past the soft caps before a socket is evicted for silence or shed. */
const HARD_CAP_FACTOR = 2;

export class ConnectionBudget {
  readonly #options: BudgetOptions;
  readonly #entries = new Map<Socket, Entry>();
  /** Insertion-ordered, so iteration yields the longest-waiting socket first. */
  readonly #fresh = new Set<Entry>();
  readonly #idle = new Set<Entry>();
  readonly #perPeer = new Map<string, number>();
  #evicted = 0;
  #timedOut = 0;
  #shed = 0;

  constructor(options: BudgetOptions) {
    if (options.maxSockets < 1 || options.maxPerPeer < 1) throw new RangeError('The socket budget needs at least one socket.');
    this.#options = options;
  }

  /** Hooks the server's connection, request and CONNECT events; call before listen(). */
  attach(server: Server): void {
    server.on('connection', (socket: Socket) => this.admit(socket));
    // Prepended: the pipeline may answer synchronously inside its own 'request' listener.
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => this.#onRequest(req, res));
    server.prependListener('connect', (req: IncomingMessage) => this.#onTunnel(req.socket));
  }

  stats(): BudgetStats {
    let busy = 0;
    let tunnel = 0;
    for (const entry of this.#entries.values()) {
      if (entry.state === 'busy') busy++;
      else if (entry.state === 'tunnel') tunnel++;
    }
    return {
      open: this.#entries.size, fresh: this.#fresh.size, busy, idle: this.#idle.size, tunnel,
      evicted: this.#evicted, timedOut: this.#timedOut, shed: this.#shed,
    };
  }

  /** Node's own connection cap must sit above the hard cap, or it refuses (a reset) before the budget can answer. */
  get hardMaxSockets(): number {
    return this.#options.maxSockets * HARD_CAP_FACTOR;
  }

  /** Whether requests on this socket are to be answered 503 ERR_OVERLOADED (and the socket closed). */
  isShed(socket: Socket): boolean {
    return this.#entries.get(socket)?.shed === true;
  }

  /** Makes room for `socket` (evicting idle, then silent sockets as the caps require), or sheds it when all are busy. */
  admit(socket: Socket): void {
    // TLS sockets inside a CONNECT tunnel ride on a socket that is already counted.
    if (socket.destroyed || 'encrypted' in socket || this.#entries.has(socket)) return;
    const peer = socket.remoteAddress ?? 'unknown';
    const { maxPerPeer, maxSockets } = this.#options;
    const peerCount = (): number => this.#perPeer.get(peer) ?? 0;
    if (peerCount() >= maxPerPeer) this.#evictOne({ peer, idleOnly: true });
    if (this.#entries.size >= maxSockets) this.#evictOne({ idleOnly: true });
    let shed = false;
    if (peerCount() >= maxPerPeer * HARD_CAP_FACTOR && !this.#evictOne({ peer })) shed = true;
    if (this.#entries.size >= maxSockets * HARD_CAP_FACTOR && !this.#evictOne({})) shed = true;
    if (shed) this.#noteShed(peer);
    const entry: Entry = { socket, peer, state: 'fresh', proven: false, shed, active: 0, answered: false, graced: false, timer: undefined };
    this.#entries.set(socket, entry);
    this.#perPeer.set(peer, (this.#perPeer.get(peer) ?? 0) + 1);
    this.#enter(entry, 'fresh');
    socket.once('close', () => this.#forget(entry));
  }

  #onRequest(req: IncomingMessage, res: ServerResponse): void {
    const entry = this.#entries.get(req.socket);
    if (!entry) return;
    entry.answered = true;
    entry.active++;
    this.#enter(entry, 'busy');
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      entry.active--;
      if (entry.state !== 'busy' || entry.active > 0) return;
      if (!UNPROVEN_STATUSES.has(res.statusCode)) entry.proven = true;
      if (!entry.proven) {
        // A peer that has not shown the key gets its answer and a FIN instead of a keep-alive slot.
        this.#enter(entry, 'fresh');
        entry.socket.end();
        return;
      }
      this.#enter(entry, 'idle');
    };
    res.once('finish', finish);
    res.once('close', finish);
  }

  #onTunnel(socket: Socket): void {
    const entry = this.#entries.get(socket);
    if (entry) this.#enter(entry, 'tunnel');
  }

  #enter(entry: Entry, state: State): void {
    this.#fresh.delete(entry);
    this.#idle.delete(entry);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    entry.state = state;
    if (state === 'fresh') {
      this.#fresh.add(entry);
      entry.timer = setTimeout(() => {
        // A request head still arriving (a busy client, a slow link) gets one more deadline; a socket silent for
        // the first, or still not done after the second (one byte and nothing more is a hoard too), is closed.
        if (!entry.answered && !entry.graced && entry.socket.bytesRead > 0) {
          entry.graced = true;
          return this.#enter(entry, 'fresh');
        }
        this.#timedOut++;
        entry.socket.destroy();
      }, this.#options.firstRequestTimeoutMs);
      entry.timer.unref();
    } else if (state === 'idle') this.#idle.add(entry);
  }

  /**
   * Destroys the longest-idle keep-alive socket, or (unless `idleOnly`, at the hard caps) the longest-waiting fresh
   * socket: one that has sent nothing first, else one whose head is still arriving (a hoarder can send one byte per
   * socket). Never a busy one.
   */
  #evictOne(from: { peer?: string; idleOnly?: boolean }): boolean {
    const mine = (entry: Entry) => from.peer === undefined || entry.peer === from.peer;
    const silent = (entry: Entry) => entry.socket.bytesRead === 0;
    const order: [Set<Entry>, (entry: Entry) => boolean][] = from.idleOnly
      ? [[this.#idle, () => true]]
      : [[this.#fresh, silent], [this.#idle, () => true], [this.#fresh, (entry) => !silent(entry)]];
    for (const [pool, wanted] of order) {
      for (const entry of pool) {
        if (!mine(entry) || !wanted(entry)) continue;
        this.#evicted++;
        this.#forget(entry);
        entry.socket.destroy();
        return true;
      }
    }
    return false;
  }

  #noteShed(peer: string): void {
    this.#shed++;
    if (this.#shed === 1 || this.#shed % 1000 === 0) this.#options.log?.(`proxy answered 503 to a connection: every socket is busy (peer ${peer}; ${this.#shed} so far)`);
  }

  #forget(entry: Entry): void {
    if (this.#entries.get(entry.socket) !== entry) return;
    this.#entries.delete(entry.socket);
    this.#fresh.delete(entry);
    this.#idle.delete(entry);
    if (entry.timer) clearTimeout(entry.timer);
    const left = (this.#perPeer.get(entry.peer) ?? 1) - 1;
    if (left > 0) this.#perPeer.set(entry.peer, left);
    else this.#perPeer.delete(entry.peer);
  }
}
