/** Desktop preferences (not secrets): clipboard delay, idle lock, proxy port, extra login origins; kept by electron-store. */
import { z } from 'zod';

export const Settings = z.object({
  clipboardClearSeconds: z.number().int().min(5).max(600).default(30),
  idleLockMinutes: z.number().int().min(0).max(24 * 60).default(15),
  proxyPort: z.number().int().min(0).max(65535).default(8787),
  proxyStrict: z.boolean().default(false),
  /** Extra https origins the login flow may open besides configured issuers. */
  externalOrigins: z.array(z.string().url()).default([]),
});
export type Settings = z.infer<typeof Settings>;

/** The slice of electron-store (or conf) used, so tests can pass a Map-backed fake. */
export interface StoreLike {
  readonly store: Record<string, unknown>;
  set(key: string, value: unknown): void;
}

export interface SettingsStore {
  read(): Settings;
  write(patch: Partial<Settings>): Settings;
}

/** Invalid or hand-edited values fall back to defaults field by field, never to a crash at start-up. */
export function createSettingsStore(store: StoreLike): SettingsStore {
  const read = (): Settings => {
    const raw = store.store ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(Settings.shape)) {
      const parsed = schema.safeParse(raw[key]);
      out[key] = parsed.success ? parsed.data : schema.parse(undefined);
    }
    return out as Settings;
  };
  return {
    read,
    write(patch) {
      const next = Settings.parse({ ...read(), ...patch });
      for (const key of Object.keys(patch) as (keyof Settings)[]) store.set(key, next[key]);
      return next;
    },
  };
}
