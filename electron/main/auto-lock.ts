/** Auto-lock: on screen lock, suspend and wall-clock idle the vault locks, dropping its key (SECURITY S6). */

export interface PowerMonitorLike {
  on(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
  removeListener(event: 'lock-screen' | 'suspend', listener: () => void): unknown;
  getSystemIdleTime(): number;
}

export interface IntervalTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

export interface AutoLockOptions {
  powerMonitor: PowerMonitorLike;
  lock: () => Promise<unknown>;
  /** Seconds of system idle before locking; 0 disables idle locking. Default 15 min. */
  idleSeconds?: number;
  pollMs?: number;
  timers?: IntervalTimers;
  onError?: (err: unknown) => void;
}

export const DEFAULT_IDLE_SECONDS = 15 * 60;

/** Starts watching; returns a stop function. */
export function startAutoLock(options: AutoLockOptions): () => void {
  const timers = options.timers ?? {
    setInterval: (fn: () => void, ms: number) => setInterval(fn, ms),
    clearInterval: (h: unknown) => clearInterval(h as ReturnType<typeof setInterval>),
  };
  const idleSeconds = options.idleSeconds ?? DEFAULT_IDLE_SECONDS;
  const lock = (): void => {
    options.lock().catch((err: unknown) => options.onError?.(err));
  };
  options.powerMonitor.on('lock-screen', lock);
  options.powerMonitor.on('suspend', lock);
  // Lock once per idle stretch: re-arm only after the user has been active again.
  let armed = true;
  const handle =
    idleSeconds > 0
      ? timers.setInterval(() => {
          const idle = options.powerMonitor.getSystemIdleTime();
          if (idle >= idleSeconds && armed) {
            armed = false;
            lock();
          } else if (idle < idleSeconds) {
            armed = true;
          }
        }, options.pollMs ?? 15_000)
      : undefined;
  return () => {
    options.powerMonitor.removeListener('lock-screen', lock);
    options.powerMonitor.removeListener('suspend', lock);
    if (handle !== undefined) timers.clearInterval(handle);
  };
}
