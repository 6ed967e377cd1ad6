import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: ['test/**/keyring/**', 'node_modules/**'],
    environment: 'node',
    testTimeout: 90_000,
    hookTimeout: 90_000,
    // Two cores: forking many workers makes the real-server tests slower, not faster.
    maxWorkers: 2,
  },
});
