/** Electron clipboard adapter for the core ClipboardGuard, marking copies as concealed for clipboard managers (SECURITY S5). */
import type { ClipboardPort } from '../core/clipboard/clipboard-guard.ts';

/** The slice of Electron 45's promise-based clipboard used here. */
export interface ElectronClipboardLike {
  write(items: never[]): Promise<void>;
  writeText(text: string): Promise<void>;
  readText(): Promise<string>;
  clear(): void;
}

/** Builds an Electron `ClipboardItem` (injected so tests need no Electron). */
export type MakeClipboardItem = (entries: Record<string, string>) => unknown;

/** Clipboard managers skip entries carrying these types: Klipper/GPaste (Linux), the nspasteboard convention (macOS). */
export const CONCEALED_TYPES: Partial<Record<NodeJS.Platform, Record<string, string>>> = {
  linux: { 'x-kde-passwordManagerHint': 'secret' },
  darwin: { 'org.nspasteboard.ConcealedType': '' },
  win32: { ExcludeClipboardContentFromMonitorProcessing: '', CanIncludeInClipboardHistory: '\u0000\u0000\u0000\u0000' },
};

export interface ConcealedClipboard extends ClipboardPort {
  /** Whether the last copy carried the concealed marker alongside the text. */
  readonly concealed: boolean;
}

/**
 * One atomic `write()` carries the text and the marker together (a second call would replace the text).
 * If the platform refuses the custom type, the copy still happens as plain text.
 */
export function createElectronClipboard(
  clipboard: ElectronClipboardLike,
  makeItem: MakeClipboardItem,
  platform: NodeJS.Platform = process.platform,
): ConcealedClipboard {
  const hint = CONCEALED_TYPES[platform];
  let concealed = false;
  return {
    get concealed() {
      return concealed;
    },
    async writeText(text) {
      concealed = false;
      if (hint) {
        try {
          await clipboard.write([makeItem({ 'text/plain': text, ...hint }) as never]);
          concealed = true;
          return;
        } catch {
          // Fall through to plain text.
        }
      }
      await clipboard.writeText(text);
    },
    readText: () => clipboard.readText(),
    clear: () => clipboard.clear(),
  };
}
