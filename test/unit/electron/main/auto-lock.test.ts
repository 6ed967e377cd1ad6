import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startAutoLock, type PowerMonitorLike } from '../../../../electron/main/auto-lock.ts';

class FakePowerMonitor extends EventEmitter {
  idle = 0;
  getSystemIdleTime(): number {
    return this.idle;
  }
}

describe('auto-lock', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const setup = (idleSeconds = 60) => {
    const pm = new FakePowerMonitor();
    const lock = vi.fn(async () => undefined);
    const stop = startAutoLock({ powerMonitor: pm as unknown as PowerMonitorLike, lock, idleSeconds, pollMs: 1_000 });
    return { pm, lock, stop };
  };

  it('S6 locks on lock-screen', () => {
    const { pm, lock } = setup();
    pm.emit('lock-screen');
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it('S6 locks on suspend', () => {
    const { pm, lock } = setup();
    pm.emit('suspend');
    expect(lock).toHaveBeenCalledTimes(1);
  });

  it('S6 locks once after the idle limit and re-arms after activity', () => {
    const { pm, lock } = setup(60);
    pm.idle = 59;
    vi.advanceTimersByTime(1_000);
    expect(lock).not.toHaveBeenCalled();
    pm.idle = 60;
    vi.advanceTimersByTime(3_000);
    expect(lock).toHaveBeenCalledTimes(1);
    pm.idle = 2;
    vi.advanceTimersByTime(1_000);
    pm.idle = 61;
    vi.advanceTimersByTime(1_000);
    expect(lock).toHaveBeenCalledTimes(2);
  });

  it('S6 stop removes the listeners and the idle poll', () => {
    const { pm, lock, stop } = setup(60);
    stop();
    pm.emit('lock-screen');
    pm.idle = 1_000;
    vi.advanceTimersByTime(10_000);
    expect(lock).not.toHaveBeenCalled();
    expect(pm.listenerCount('suspend')).toBe(0);
  });
});
