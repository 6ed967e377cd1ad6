/** Playwright config for the real-Electron smoke test; runs only in CI (desktop.yml) where the Electron binary exists. */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/electron',
  testMatch: '**/*.spec.ts',
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 90_000,
  reporter: [['list']],
  outputDir: 'test-results/electron',
});
