/** Open and acknowledged alerts with de-duplication, plus the clients seen per credential; kept in audit/alerts.json. */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AlertItem } from '../../../shared/audit-model.ts';
import { writeFileAtomic } from '../vault/atomic-file.ts';
import type { AlertCandidate } from './alert-rules.ts';

type StoredAlert = AlertItem & Pick<AlertCandidate, 'dedupKey' | 'known'>;

interface StoredState {
  alerts: StoredAlert[];
  /** Per credential, the clients acknowledged in a `new-client` alert. */
  clients: Record<string, string[]>;
}

/** Acknowledged alerts beyond this many are forgotten (the audit log keeps them). */
const MAX_KEPT = 500;
const MAX_CLIENTS_PER_CREDENTIAL = 200;

export class AlertStore {
  readonly #path: string | undefined;
  readonly #now: () => Date;
  #alerts: StoredAlert[] = [];
  readonly knownClients = new Map<string, Set<string>>();
  #saving: Promise<void> = Promise.resolve();
  #dirty = false;
  #closed = false;

  /** `dir` undefined keeps everything in memory (tests). */
  constructor(dir: string | undefined, now: () => Date = () => new Date()) {
    this.#path = dir ? join(dir, 'alerts.json') : undefined;
    this.#now = now;
    if (this.#path) this.#load(this.#path);
  }

  #load(path: string): void {
    try {
      const state = JSON.parse(readFileSync(path, 'utf8')) as StoredState;
      if (Array.isArray(state.alerts)) this.#alerts = state.alerts;
      for (const [name, clients] of Object.entries(state.clients ?? {})) this.knownClients.set(name, new Set(clients));
    } catch {
      // Missing or damaged: start empty. The audit log still holds every alert.
    }
  }

  /** A new alert, or a repeat folded into the open one with the same key (`isNew` false: no second notification). */
  raise(candidate: AlertCandidate): { item: AlertItem; isNew: boolean } {
    const at = this.#now().toISOString();
    const open = this.#alerts.find((a) => a.dedupKey === candidate.dedupKey && a.acknowledgedAt === null);
    if (open) {
      open.count++;
      open.lastAt = at;
      open.message = candidate.message;
      this.#save();
      return { item: publicItem(open), isNew: false };
    }
    const item = {
      id: `al_${randomBytes(6).toString('base64url')}`,
      kind: candidate.kind,
      level: candidate.level,
      credential: candidate.credential,
      message: candidate.message,
      firstAt: at,
      lastAt: at,
      count: 1,
      acknowledgedAt: null,
      dedupKey: candidate.dedupKey,
      ...(candidate.known ? { known: candidate.known } : {}),
    };
    this.#alerts.push(item);
    this.#trim();
    this.#save();
    return { item: publicItem(item), isNew: true };
  }

  list(all = false): AlertItem[] {
    return this.#alerts.filter((a) => all || a.acknowledgedAt === null).map(publicItem).reverse();
  }

  openCount(): number {
    return this.#alerts.filter((a) => a.acknowledgedAt === null).length;
  }

  /**
   * Returns the alerts acknowledged now (an unknown or already acknowledged id acknowledges nothing). A `new-client`
   * alert acknowledged is the user saying "I know this program": it becomes a known client of that credential.
   */
  acknowledge(selector: { id: string } | { all: true }): AlertItem[] {
    const at = this.#now().toISOString();
    const hit = this.#alerts.filter((a) => a.acknowledgedAt === null && ('all' in selector || a.id === selector.id));
    for (const a of hit) {
      a.acknowledgedAt = at;
      if (a.known) this.#markKnown(a.known.credential, a.known.client);
    }
    if (hit.length > 0) this.#save();
    return hit.map(publicItem);
  }

  has(id: string): boolean {
    return this.#alerts.some((a) => a.id === id);
  }

  async flush(): Promise<void> {
    await this.#saving;
  }

  /** Writes what is pending; later changes stay in memory, so nothing writes into a data directory being removed. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#saving;
  }

  #trim(): void {
    const excess = this.#alerts.length - MAX_KEPT;
    if (excess <= 0) return;
    let dropped = 0;
    this.#alerts = this.#alerts.filter((a) => (a.acknowledgedAt !== null && dropped < excess ? (dropped++, false) : true));
  }

  /** Coalesced: at most one write in flight plus one queued. */
  #save(): void {
    if (!this.#path || this.#dirty || this.#closed) return;
    this.#dirty = true;
    const path = this.#path;
    this.#saving = this.#saving.then(async () => {
      this.#dirty = false;
      const clients: Record<string, string[]> = {};
      for (const [name, set] of this.knownClients) clients[name] = [...set].slice(-MAX_CLIENTS_PER_CREDENTIAL);
      const state: StoredState = { alerts: this.#alerts, clients };
      try {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        await writeFileAtomic(path, JSON.stringify(state));
      } catch {
        // Best effort, like the log itself: alerts stay in memory and in the audit log.
      }
    });
  }

  #markKnown(credential: string, client: string): void {
    let known = this.knownClients.get(credential);
    if (!known) this.knownClients.set(credential, (known = new Set()));
    // Re-added at the end, so the trim on save keeps the most recently acknowledged.
    known.delete(client);
    known.add(client);
  }
}

function publicItem(a: StoredAlert): AlertItem {
  const { dedupKey: _key, known: _known, ...rest } = a;
  return { ...rest };
}
