/** ClipboardGuard: copies a secret and clears it after a delay, but only while the clipboard still holds our value (SECURITY S5). */

export interface ClipboardPort {
  writeText(text: string): void;
  readText(): string;
  clear(): void;
}

export interface GuardTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ClipboardGuardOptions {
  clipboard: ClipboardPort;
  /** Defaults to 30 s. */
  clearAfterMs?: number;
  timers?: GuardTimers;
}

export const DEFAULT_CLEAR_AFTER_MS = 30_000;

const realTimers: GuardTimers = {
  setTimeout: (fn, ms) => {
    const handle = setTimeout(fn, ms);
    // A pending clear must not keep a CLI or test process alive; quit clears through dispose().
    handle.unref?.();
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ClipboardGuard {
  readonly clearAfterMs: number;
  #clipboard: ClipboardPort;
  #timers: GuardTimers;
  #pending: unknown = undefined;
  /** What we wrote; kept only until it is cleared, so we can tell our value from the user's later copy. */
  #ours: string | undefined = undefined;

  constructor(options: ClipboardGuardOptions) {
    this.#clipboard = options.clipboard;
    this.clearAfterMs = options.clearAfterMs ?? DEFAULT_CLEAR_AFTER_MS;
    this.#timers = options.timers ?? realTimers;
  }

  copy(text: string): { clearAfterMs: number } {
    this.#cancelTimer();
    this.#clipboard.writeText(text);
    this.#ours = text;
    if (this.clearAfterMs > 0) {
      this.#pending = this.#timers.setTimeout(() => {
        this.#pending = undefined;
        this.clearNow();
      }, this.clearAfterMs);
    }
    return { clearAfterMs: this.clearAfterMs };
  }

  /** Clears the clipboard only if it still holds the value we wrote; a later user copy survives. */
  clearNow(): void {
    this.#cancelTimer();
    const ours = this.#ours;
    this.#ours = undefined;
    if (ours === undefined) return;
    let current: string;
    try {
      current = this.#clipboard.readText();
    } catch {
      return;
    }
    if (current === ours) this.#clipboard.clear();
  }

  /** Called on quit: clears our value now and cancels the timer. */
  dispose(): void {
    this.clearNow();
  }

  #cancelTimer(): void {
    if (this.#pending !== undefined) {
      this.#timers.clearTimeout(this.#pending);
      this.#pending = undefined;
    }
  }
}
