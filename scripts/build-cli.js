#!/usr/bin/env node
// Bundles the CLI with esbuild into dist/cli/ (ESM, code-split at every dynamic import), so that
//  - an installed package runs plain JavaScript: Node refuses to strip types under node_modules;
//  - a start loads one small entry chunk and only the chunks its command needs.
// dist/cli/fast.cjs is a second, self-contained entry: `tkw token`/`list`/`status` against a running owner.
// Run by `prepare` (npm ci / npm install in a checkout, git installs) and `prepack` (npm pack / publish).
// dist/cli/inputs.json records every project source of both entries with its mtime and size, and which of them
// fast.cjs holds: bin/tokenwarden.js runs a bundle only while its sources are unchanged, and the TypeScript source
// otherwise, so a checkout never runs a stale bundle. The same record lets a second build in one `npm pack`
// (prepack, then prepare) skip.
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

/**
 * For the fast entry only: every project module it reaches is taken as free of import-time side effects (they
 * declare functions, constants and zod schemas), so esbuild keeps only what `token`, `list` and `status` call.
 * Without it, format.ts's import of shared/policy.ts (for `show`) would bring zod along. A test checks that
 * dist/cli/fast.cjs holds neither zod nor commander.
 */
const sourcesWithoutSideEffects = {
  name: 'sources-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\/.*\.ts$/ }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: path.resolve(args.resolveDir, args.path), sideEffects: false },
    );
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
    const common = {
      absWorkingDir: root,
      outdir: staging,
      bundle: true,
      platform: 'node',
      target: 'node22',
      // Whitespace and syntax only: identifiers stay readable in TOKENWARDEN_DEBUG stack traces.
      minifyWhitespace: true,
      minifySyntax: true,
      legalComments: 'none',
      logLevel: 'warning',
      external: NATIVE_EXTERNALS,
      metafile: true,
    };
    const full = await build({
      ...common,
      entryPoints: { tkw: 'electron/cli/main.ts' },
      format: 'esm',
      splitting: true,
      // Bundled CommonJS dependencies call require() for Node built-ins; ESM has none, so give each chunk one.
      banner: { js: "import { createRequire as __tkwRequire } from 'node:module'; const require = __tkwRequire(import.meta.url);" },
      plugins: [builtinsByRequire],
      // Chunks sit next to the entry: import.meta.url-relative paths (the daemon finds bin/ by one) keep their depth.
      chunkNames: '[name]-[hash]',
    });
    // `tkw token`/`list`/`status` with a running owner (electron/cli/fast/fast-main.ts): one file of its own,
    // built apart, because code splitting shares whole modules, and the full CLI's shared chunks hold zod.
    // CommonJS, which bin/ require()s: a few ms less than an ESM import, and its built-ins are plain require()s.
    const fast = await build({
      ...common,
      entryPoints: { fast: 'electron/cli/fast/fast-main.ts' },
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      plugins: [sourcesWithoutSideEffects],
    });
    // Files the CLI opens by a path relative to its own module (e.g. the Node preload that proxy-env names in
    // NODE_OPTIONS): dist/cli sits at the depth of electron/cli, so they keep their place relative to it.
    const assets = listAssets(path.join(root, 'electron/cli'));
    for (const file of assets) {
      const target = path.join(staging, path.relative('electron/cli', file));
      mkdirSync(path.dirname(target), { recursive: true });
      copyFileSync(path.join(root, file), target);
    }
    const inputs = [...new Set([...Object.keys(full.metafile.inputs), ...Object.keys(fast.metafile.inputs), ...assets])]
      .filter((file) => !file.includes('node_modules/') && !file.includes(':'))
      .sort()
      .map((file) => {
        const st = statSync(path.join(root, file));
        return [file, st.mtimeMs, st.size];
      });
    // bin/tokenwarden.js checks only these before it runs fast.cjs, and all of `inputs` before tkw.js: the
    // sources fast.cjs holds code of, so an edit to one that tree shaking left out (shared/policy.ts) does not
    // send `tkw token` to the TypeScript source.
    const fastOutput = Object.values(fast.metafile.outputs).find((output) => output.entryPoint === 'electron/cli/fast/fast-main.ts');
    const fastInputs = inputs.map(([file]) => file).filter((file) => Object.hasOwn(fastOutput.inputs, file));
    writeFileSync(path.join(staging, 'inputs.json'), `${JSON.stringify({ inputs, fast: fastInputs })}\n`);
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
