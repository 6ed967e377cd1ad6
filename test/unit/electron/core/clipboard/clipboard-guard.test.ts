import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ClipboardGuard, type ClipboardPort } from '../../../../../electron/core/clipboard/clipboard-guard.ts';

class FakeClipboard implements ClipboardPort {
  text = '';
  clears = 0;
  writeText(text: string): void {
    this.text = text;
  }
  readText(): string {
    return this.text;
  }
  clear(): void {
    this.text = '';
    this.clears += 1;
  }
}

describe('ClipboardGuard', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const timers = {
    setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms),
    clearTimeout: (h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>),
  };

  it('S5 clears the copied value after the default 30 s', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    expect(guard.copy('secret-value-1234')).toEqual({ clearAfterMs: 30_000 });
    expect(clipboard.text).toBe('secret-value-1234');
    vi.advanceTimersByTime(29_999);
    expect(clipboard.text).toBe('secret-value-1234');
    vi.advanceTimersByTime(2);
    expect(clipboard.text).toBe('');
    expect(clipboard.clears).toBe(1);
  });

  it('S5 honours a configured delay', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 5_000 });
    expect(guard.copy('abc').clearAfterMs).toBe(5_000);
    vi.advanceTimersByTime(5_001);
    expect(clipboard.text).toBe('');
  });

  it('S5 leaves a later user copy alone', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 1_000 });
    guard.copy('secret-value');
    clipboard.writeText('user text');
    vi.advanceTimersByTime(2_000);
    expect(clipboard.text).toBe('user text');
    expect(clipboard.clears).toBe(0);
  });

  it('S5 quit (dispose) clears our value immediately and cancels the timer', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    guard.copy('secret-value');
    guard.dispose();
    expect(clipboard.text).toBe('');
    clipboard.writeText('later user copy');
    vi.advanceTimersByTime(60_000);
    expect(clipboard.text).toBe('later user copy');
    expect(clipboard.clears).toBe(1);
  });

  it('S5 quit does not clear a clipboard the user has since changed', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    guard.copy('secret-value');
    clipboard.writeText('mine');
    guard.dispose();
    expect(clipboard.text).toBe('mine');
  });

  it('S5 a second copy restarts the countdown for the new value', () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 1_000 });
    guard.copy('first');
    vi.advanceTimersByTime(900);
    guard.copy('second');
    vi.advanceTimersByTime(900);
    expect(clipboard.text).toBe('second');
    vi.advanceTimersByTime(200);
    expect(clipboard.text).toBe('');
  });
});
