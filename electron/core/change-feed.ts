/**
 * The one `changed` event. It comes from the store, not from the writer: every record write (a service call, a
 * background or 401-driven refresh, a reload from disk) schedules it, coalesced, and a credential whose last
 * use was just taken announces it at once (the use count is not a record write).
 */
import type { AppEvent, CredentialSummary } from '../../shared/model.ts';
import type { Vault } from './vault/vault.ts';

/** Store writes closer together than this become one `changed` event (a usage flush, a burst of refreshes). */
const CHANGE_COALESCE_MS = 30;

interface ChangeFeedParts {
  vault: Pick<Vault, 'isLocked' | 'onChange'>;
  events: { emit(event: AppEvent): void };
  summaries: () => CredentialSummary[];
}

export class ChangeFeed {
  readonly #parts: ChangeFeedParts;
  readonly #stopWatching: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(parts: ChangeFeedParts) {
    this.#parts = parts;
    this.#stopWatching = parts.vault.onChange(() => this.#storeChanged());
  }

  /** Now, not coalesced; nothing while locked. */
  announce(): void {
    if (!this.#parts.vault.isLocked()) this.#parts.events.emit({ type: 'changed', summaries: this.#parts.summaries() });
  }

  close(): void {
    this.#stopWatching();
    clearTimeout(this.#timer);
  }

  /** Leading-edge throttle: the first write schedules one event, later writes in the window ride along. */
  #storeChanged(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.announce();
    }, CHANGE_COALESCE_MS);
    this.#timer.unref?.();
  }
}
