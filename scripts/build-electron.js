#!/usr/bin/env node
// Bundles Electron main and preload with esbuild (no Electron binary needed):
//   electron/main/index.ts    -> dist/main/index.cjs
//   electron/preload/index.ts -> dist/preload/index.cjs  (sandboxed preloads must be one CommonJS file)
// Electron itself and native addons stay external; everything else is bundled so the asar holds plain JS.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

/** Native addons cannot be bundled; electron-builder ships them (unpacked) from node_modules. */
export const NATIVE_EXTERNALS = ['@napi-rs/keyring', '@napi-rs/keyring-*'];

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 45 ships Node 22-era V8; the bundle targets it rather than whatever Node runs this script.
  target: 'node22',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
};

/** Main only: import.meta has no meaning in CommonJS, so it is mapped to the bundle file's own location. */
const mainShims = {
  define: { 'import.meta.url': 'import_meta_url', 'import.meta.dirname': '__dirname', 'import.meta.filename': '__filename' },
  banner: { js: `/* ${pkg.name} ${pkg.version} */\nconst import_meta_url = require('node:url').pathToFileURL(__filename).href;` },
};

export async function buildElectron({ outdir = path.join(root, 'dist') } = {}) {
  const main = await build({
    ...common,
    ...mainShims,
    entryPoints: [path.join(root, 'electron/main/index.ts')],
    outfile: path.join(outdir, 'main/index.cjs'),
    external: ['electron', ...NATIVE_EXTERNALS],
    metafile: true,
  });
  const preload = await build({
    ...common,
    banner: { js: `/* ${pkg.name} ${pkg.version} preload */` },
    entryPoints: [path.join(root, 'electron/preload/index.ts')],
    outfile: path.join(outdir, 'preload/index.cjs'),
    // The sandboxed preload may require only 'electron' (and a few polyfilled built-ins): nothing else is external.
    external: ['electron'],
    platform: 'browser',
    minify: true,
    metafile: true,
  });
  return { main: main.metafile, preload: preload.metafile };
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  const started = performance.now();
  const result = await buildElectron();
  const size = (m) => Object.values(m.outputs).reduce((n, o) => n + o.bytes, 0);
  console.log(
    `built dist/main/index.cjs (${(size(result.main) / 1024).toFixed(0)} KiB) and dist/preload/index.cjs ` +
      `(${(size(result.preload) / 1024).toFixed(0)} KiB) in ${Math.round(performance.now() - started)} ms`,
  );
}
