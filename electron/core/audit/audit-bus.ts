/** The one in-process bus behind auditing: the proxy and the service publish, the writer, stats and alert rules listen. */
import type { AuditRecord } from './audit-entry.ts';

export type AuditListener = (record: AuditRecord, security: boolean) => void;

export class AuditBus {
  readonly #listeners: AuditListener[] = [];

  subscribe(listener: AuditListener): () => void {
    this.#listeners.push(listener);
    return () => {
      const i = this.#listeners.indexOf(listener);
      if (i >= 0) this.#listeners.splice(i, 1);
    };
  }

  /** Synchronous and in-memory only; a failing listener never reaches the publisher (L3). */
  publish(record: AuditRecord, security = false): void {
    for (const listener of this.#listeners) {
      try {
        listener(record, security);
      } catch {
        // Auditing must never fail the request or operation that produced the record.
      }
    }
  }
}
