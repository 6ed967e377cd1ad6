import { describe, expect, it } from 'vitest';
import { ClipboardGuard } from '../../../../electron/core/clipboard/clipboard-guard.ts';
import { createElectronClipboard, type ElectronClipboardLike } from '../../../../electron/main/clipboard.ts';

function fakeElectronClipboard(opts: { refuseCustom?: boolean } = {}) {
  const state = { items: [] as Record<string, string>[], text: '' };
  const clipboard: ElectronClipboardLike = {
    write: async (items) => {
      const entries = items[0] as unknown as Record<string, string>;
      if (opts.refuseCustom) throw new Error('unsupported type');
      state.items.push(entries);
      state.text = entries['text/plain'] ?? '';
    },
    writeText: async (t) => {
      state.text = t;
    },
    readText: async () => state.text,
    clear: () => {
      state.text = '';
    },
  };
  return { clipboard, state };
}

describe('Electron clipboard adapter', () => {
  it('S5 writes text and the KDE password-manager hint in one atomic item on Linux', async () => {
    const { clipboard, state } = fakeElectronClipboard();
    const port = createElectronClipboard(clipboard, (e) => e, 'linux');
    await port.writeText('tok-1234');
    expect(state.items).toEqual([{ 'text/plain': 'tok-1234', 'x-kde-passwordManagerHint': 'secret' }]);
    expect(port.concealed).toBe(true);
    expect(await port.readText()).toBe('tok-1234');
  });

  it('S5 uses the nspasteboard concealed type on macOS', async () => {
    const { clipboard, state } = fakeElectronClipboard();
    await createElectronClipboard(clipboard, (e) => e, 'darwin').writeText('t');
    expect(Object.keys(state.items[0]!)).toContain('org.nspasteboard.ConcealedType');
  });

  it('S5 falls back to plain text when the platform refuses the custom type', async () => {
    const { clipboard, state } = fakeElectronClipboard({ refuseCustom: true });
    const port = createElectronClipboard(clipboard, (e) => e, 'linux');
    await port.writeText('tok-1234');
    expect(state.text).toBe('tok-1234');
    expect(port.concealed).toBe(false);
  });

  it('S5 with the guard: cleared when still ours, kept after a user copy', async () => {
    const { clipboard, state } = fakeElectronClipboard();
    let fire: (() => void) | undefined;
    const guard = new ClipboardGuard({
      clipboard: createElectronClipboard(clipboard, (e) => e, 'linux'),
      timers: { setTimeout: (fn) => (fire = fn), clearTimeout: () => (fire = undefined) },
    });
    await guard.copy('tok-1234');
    state.text = 'user copy';
    fire?.();
    await guard.clearNow();
    expect(state.text).toBe('user copy');
    await guard.copy('tok-5678');
    await guard.dispose();
    expect(state.text).toBe('');
  });
});
