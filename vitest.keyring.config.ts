import { defineConfig } from 'vitest/config';

// Runs under `scripts/with-keyring.js`, which starts a private dbus session and gnome-keyring when present.
export default defineConfig({
  test: {
    include: ['test/**/keyring/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
  },
});
