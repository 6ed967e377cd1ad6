/** Vite build for the renderer: static output under dist/renderer, served by the app:// protocol (no inline scripts, CSP-safe). */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// import.meta.dirname (not node:path) keeps this file inside the renderer layer's import rules.
const root = import.meta.dirname;

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${root}/../dist/renderer`,
    emptyOutDir: true,
    // The polyfill would be inline-free, but module preload links are not needed for one local bundle.
    modulePreload: false,
    sourcemap: false,
    target: 'chrome130',
    assetsInlineLimit: 0,
  },
  server: { host: '127.0.0.1', strictPort: true },
});
