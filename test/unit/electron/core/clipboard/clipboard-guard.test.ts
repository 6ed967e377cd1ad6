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

  it('S5 clears the copied value after the default 30 s', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    expect(await guard.copy('secret-value-1234')).toEqual({ clearAfterMs: 30_000 });
    expect(clipboard.text).toBe('secret-value-1234');
    await vi.advanceTimersByTimeAsync(29_999);
    expect(clipboard.text).toBe('secret-value-1234');
    await vi.advanceTimersByTimeAsync(2);
    expect(clipboard.text).toBe('');
    expect(clipboard.clears).toBe(1);
  });

  it('S5 honours a configured delay', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 5_000 });
    expect((await guard.copy('abc')).clearAfterMs).toBe(5_000);
    await vi.advanceTimersByTimeAsync(5_001);
    expect(clipboard.text).toBe('');
  });

  it('S5 leaves a later user copy alone', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 1_000 });
    await guard.copy('secret-value');
    clipboard.writeText('user text');
    await vi.advanceTimersByTimeAsync(2_000);
    expect(clipboard.text).toBe('user text');
    expect(clipboard.clears).toBe(0);
  });

  it('S5 quit (dispose) clears our value immediately and cancels the timer', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    await guard.copy('secret-value');
    await guard.dispose();
    expect(clipboard.text).toBe('');
    clipboard.writeText('later user copy');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(clipboard.text).toBe('later user copy');
    expect(clipboard.clears).toBe(1);
  });

  it('S5 quit does not clear a clipboard the user has since changed', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers });
    await guard.copy('secret-value');
    clipboard.writeText('mine');
    await guard.dispose();
    expect(clipboard.text).toBe('mine');
  });

  it('S5 a second copy restarts the countdown for the new value', async () => {
    const clipboard = new FakeClipboard();
    const guard = new ClipboardGuard({ clipboard, timers, clearAfterMs: 1_000 });
    await guard.copy('first');
    await vi.advanceTimersByTimeAsync(900);
    await guard.copy('second');
    await vi.advanceTimersByTimeAsync(900);
    expect(clipboard.text).toBe('second');
    await vi.advanceTimersByTimeAsync(200);
    expect(clipboard.text).toBe('');
  });
});

describe('ClipboardGuard with an async (Electron-style) clipboard', () => {
  it('S5 clears an async clipboard only while it still holds our value', async () => {
    vi.useFakeTimers();
    try {
      let text = '';
      const port = {
        writeText: async (t: string) => {
          text = t;
        },
        readText: async () => text,
        clear: async () => {
          text = '';
        },
      };
      const guard = new ClipboardGuard({ clipboard: port, clearAfterMs: 1_000 });
      await guard.copy('tok-abcd');
      expect(text).toBe('tok-abcd');
      await vi.advanceTimersByTimeAsync(1_001);
      expect(text).toBe('');
      await guard.copy('tok-efgh');
      text = 'user copy';
      await guard.dispose();
      expect(text).toBe('user copy');
    } finally {
      vi.useRealTimers();
    }
  });
});
