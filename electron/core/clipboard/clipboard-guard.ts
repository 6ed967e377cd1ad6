/** ClipboardGuard: copies a secret and clears it after a delay, but only while the clipboard still holds our value (SECURITY S5). */

/** Sync or async: Electron's clipboard is promise-based, test fakes and older ports are not. */
export interface ClipboardPort {
  writeText(text: string): void | Promise<void>;
  readText(): string | Promise<string>;
  clear(): void | Promise<void>;
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

  async copy(text: string): Promise<{ clearAfterMs: number }> {
    this.#cancelTimer();
    // Remember the value before writing, so a clear racing the write still recognises it.
    this.#ours = text;
    await this.#clipboard.writeText(text);
    if (this.clearAfterMs > 0) {
      this.#pending = this.#timers.setTimeout(() => {
        this.#pending = undefined;
        void this.clearNow();
      }, this.clearAfterMs);
    }
    return { clearAfterMs: this.clearAfterMs };
  }

  /** Clears the clipboard only if it still holds the value we wrote; a later user copy survives. */
  async clearNow(): Promise<void> {
    this.#cancelTimer();
    const ours = this.#ours;
    this.#ours = undefined;
    if (ours === undefined) return;
    try {
      if ((await this.#clipboard.readText()) === ours) await this.#clipboard.clear();
    } catch {
      // A clipboard that cannot be read cannot be proven ours; leave it.
    }
  }

  /** Called on quit: clears our value now and cancels the timer. */
  dispose(): Promise<void> {
    return this.clearNow();
  }

  #cancelTimer(): void {
    if (this.#pending !== undefined) {
      this.#timers.clearTimeout(this.#pending);
      this.#pending = undefined;
    }
  }
}
