/**
 * Desktop preferences (not secrets): clipboard delay, idle lock, proxy port, extra login origins, "Ask
 * before revealing a token". Kept in `settings.json`, written with the same atomic writer as the vault
 * (temp file, fsync, rename, fsync dir; mode 0600), instead of electron-store, whose writer falls back to
 * truncating writes (SECURITY R1).
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../core/vault/atomic-file.ts';

export const Settings = z.object({
  clipboardClearSeconds: z.number().int().min(5).max(600).default(30),
  idleLockMinutes: z.number().int().min(0).max(24 * 60).default(15),
  proxyPort: z.number().int().min(0).max(65535).default(8787),
  proxyStrict: z.boolean().default(false),
  /** Extra https origins the login flow may open besides configured issuers. */
  externalOrigins: z.array(z.string().url()).default([]),
  /** Every `token`/`copyToken` call waits for a native dialog naming the caller (desktop only). */
  askBeforeReveal: z.boolean().default(false),
});
export type Settings = z.infer<typeof Settings>;

/** Where the raw values live, so tests can pass an in-memory fake. */
export interface StoreLike {
  read(): Record<string, unknown>;
  write(values: Record<string, unknown>): Promise<void>;
}

export interface SettingsStore {
  read(): Settings;
  write(patch: Partial<Settings>): Promise<Settings>;
}

/** `settings.json` at `path`: an unreadable or hand-broken file reads as "no values" (defaults), never a crash. */
export function jsonFileStore(path: string): StoreLike {
  return {
    read() {
      try {
        const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
        return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
      } catch {
        return {};
      }
    },
    write: (values) => writeFileAtomic(path, `${JSON.stringify(values, null, 2)}\n`, { mode: 0o600 }),
  };
}

/** Invalid or hand-edited values fall back to defaults field by field, never to a crash at start-up. */
export function createSettingsStore(store: StoreLike): SettingsStore {
  let current = parseSettings(store.read());
  // Writes are serialised so two quick toggles land in order.
  let writing: Promise<unknown> = Promise.resolve();
  return {
    read: () => current,
    async write(patch) {
      const next = Settings.parse({ ...current, ...patch });
      const turn = writing.then(() => store.write({ ...next }));
      writing = turn.catch(() => undefined);
      await turn;
      current = next;
      return next;
    },
  };
}

function parseSettings(raw: Record<string, unknown>): Settings {
  const out: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(Settings.shape)) {
    const parsed = schema.safeParse(raw[key]);
    out[key] = parsed.success ? parsed.data : schema.parse(undefined);
  }
  return out as Settings;
}
