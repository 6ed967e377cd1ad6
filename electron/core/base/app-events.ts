/** The owner's one event stream (`changed`, `locked`, `alert`): created first and handed to every part that reports, so nothing is bound late. */
import type { AppEvent } from '../../../shared/model.ts';

export type AppEventListener = (event: AppEvent) => void;

export class AppEventBus {
  readonly #listeners = new Set<AppEventListener>();

  on(listener: AppEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: AppEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        // A broken listener (e.g. a closed socket) must not break the owner.
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}
