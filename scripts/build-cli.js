#!/usr/bin/env node
// Bundles the CLI with esbuild into dist/cli/ (ESM, code-split at every dynamic import), so that
//  - an installed package runs plain JavaScript: Node refuses to strip types under node_modules;
//  - a start loads one small entry chunk and only the chunks its command needs.
// Run by `prepare` (npm ci / npm install in a checkout, git installs) and `prepack` (npm pack / publish).
// dist/cli/inputs.json records every project source with its mtime and size: bin/tokenwarden.js runs the
// bundle only while all of them are unchanged, and the TypeScript source otherwise, so a checkout never
// runs a stale bundle. The same record lets a second build in one `npm pack` (prepack, then prepare) skip.
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outdir = path.join(root, 'dist/cli');
/** Native addons cannot be bundled; they are loaded lazily from the package's node_modules. */
const NATIVE_EXTERNALS = ['@napi-rs/keyring', '@napi-rs/keyring-*'];

/**
 * Node built-ins are loaded with require() instead of `import`: an ESM import of a built-in builds a facade that
 * reads every export, and node:http's lazy getters then load Node's internal undici (~40 ms) on every start.
 */
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(build) {
    const names = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    build.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!names.has(args.path)) return undefined;
      // The shim's own require() stays a real require of the built-in.
      return args.namespace === 'builtin' ? { path: args.path, external: true } : { path: args.path, namespace: 'builtin' };
    });
    build.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

/** True when `out` holds a bundle of exactly the sources on disk now (same logic as bin/tokenwarden.js). */
export function isCurrent(out = outdir) {
  try {
    const { inputs } = JSON.parse(readFileSync(path.join(out, 'inputs.json'), 'utf8'));
    return inputs.every(([file, mtimeMs, size]) => {
      const st = statSync(path.join(root, file), { throwIfNoEntry: false });
      return st?.mtimeMs === mtimeMs && st.size === size;
    });
  } catch {
    return false;
  }
}

/** Every file under `dir` that is not TypeScript, relative to the repository root. */
function listAssets(dir) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && !entry.name.endsWith('.ts'))
    .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)));
}

export async function buildCli({ out = outdir } = {}) {
  const { build } = await import('esbuild');
  // Built aside, then moved in file by file: a CLI started during a rebuild sees whole files, never a half-written one.
  const parent = path.dirname(out);
  mkdirSync(out, { recursive: true });
  const staging = mkdtempSync(path.join(parent, '.cli-build-'));
  try {
    const result = await build({
      absWorkingDir: root,
      entryPoints: { tkw: 'electron/cli/main.ts' },
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node22',
      // Whitespace and syntax only: identifiers stay readable in TOKENWARDEN_DEBUG stack traces.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      logLevel: 'warning',
      external: NATIVE_EXTERNALS,
      plugins: [builtinsByRequire],
      // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none, so give each chunk one.
      banner: { js: "import { createRequire as __tkwRequire } from 'node:module'; const require = __tkwRequire(import.meta.url);" },
      // Chunks sit next to the entry: import.meta.url-relative paths (the daemon finds bin/ by one) keep their depth.
      chunkNames: '[name]-[hash]',
      metafile: true,
    });
    // Files the CLI opens by a path relative to its own module (e.g. the Node preload that proxy-env names in
    // NODE_OPTIONS): dist/cli sits at the depth of electron/cli, so they keep their place relative to it.
    const assets = listAssets(path.join(root, 'electron/cli'));
    for (const file of assets) {
      const target = path.join(staging, path.relative('electron/cli', file));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(root, file), target);
    }
    const inputs = [...Object.keys(result.metafile.inputs), ...assets]
      .filter((file) => !file.includes('node_modules/') && !file.includes(':'))
      .sort()
      .map((file) => {
        const st = statSync(path.join(root, file));
        return [file, st.mtimeMs, st.size];
      });
    writeFileSync(path.join(staging, 'inputs.json'), `${JSON.stringify({ inputs })}\n`);
    const files = readdirSync(staging);
    rmSync(path.join(out, 'inputs.json'), { force: true });
    // Content-hashed chunk names: unchanged chunks are replaced by identical bytes; inputs.json goes last.
    for (const file of files.filter((f) => f !== 'inputs.json')) {
      // A directory of assets cannot be renamed over a non-empty one: it is replaced.
      if (statSync(path.join(staging, file)).isDirectory()) rmSync(path.join(out, file), { recursive: true, force: true });
      renameSync(path.join(staging, file), path.join(out, file));
    }
    for (const old of readdirSync(out)) if (!files.includes(old)) rmSync(path.join(out, old), { recursive: true, force: true });
    renameSync(path.join(staging, 'inputs.json'), path.join(out, 'inputs.json'));
    return { outdir: out, inputs: inputs.length };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  if (isCurrent()) {
    console.log('dist/cli: up to date');
  } else {
    try {
      const { inputs } = await buildCli();
      console.log(`dist/cli: bundled ${inputs} sources`);
    } catch (err) {
      // `prepare` also runs on installs without devDependencies: the checkout then runs the TypeScript source.
      if (process.argv.includes('--if-possible') && err?.code === 'ERR_MODULE_NOT_FOUND') {
        console.log('dist/cli: esbuild is not installed; the CLI runs from its TypeScript source');
      } else throw err;
    }
  }
}
