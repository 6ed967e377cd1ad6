#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// DAEMON_ENV and DAEMON_NODE_FLAGS (electron/cli/daemon-node-flags.ts), for `tkw daemon --foreground`; a test keeps them equal.
// `tkw` / `tokenwarden`. Two ways to run, chosen per start:
//  - dist/cli/tkw.js, the esbuild bundle that `prepare`/`prepack` build (scripts/build-cli.js). An installed
//    package has only this: Node refuses to strip types under node_modules. It also starts faster.
//  - electron/cli/main.ts through Node's type stripping, in a checkout whenever a source the bundle was built
//    from changed since (dist/cli/inputs.json holds their mtimes and sizes), so a checkout never runs stale code.
// The same choice is made for the fast path (dist/cli/fast.cjs or electron/cli/fast/fast-main.ts), on its own sources.
// The compile cache keeps compiled modules on disk, which roughly halves every later start.
// A namespace import, not a named one: Node 20 has no enableCompileCache, and a missing named export fails
// at link time, before any guard could run.
import * as nodeModule from 'node:module';
import { cachedNode, isSuitable, REQUIRED, UNSUPPORTED_NODE_EXIT } from './node-support.js';

nodeModule.enableCompileCache?.();

// node:fs by require(), not `import`: an ESM import of it builds a facade that reads every export, and its lazy
// ReadStream getter then loads fs streams (~15 ms of a ~50 ms `node -e 0`). Paths are strings for the same reason:
// a URL per bundled source costs more than the stat of it.
const require = nodeModule.createRequire(import.meta.url);
const { readFileSync, statSync } = require('node:fs');
const root = require('node:url').fileURLToPath(new URL('../', import.meta.url)); // ends in a separator
/** dist/cli/inputs.json, read once: the fast path and then the full CLI may both ask whether they are current. */
let manifest;
// `token NAME`, `list` and `status` with a running owner first try the fast path (electron/cli/fast/), which
// skips commander and the zod contract; it answers undefined for anything it leaves to the full CLI. The words
// are FAST_COMMAND_WORDS of fast-argv.ts (a test keeps the two equal): other commands never load it. It has its
// own bundle, dist/cli/fast.cjs, current when its own few sources are (checking only those saves ~3 ms).
const tryFast = ['token', 'list', 'ls', 'status'].includes(process.argv[2]) && process.env.TOKENWARDEN_CLI_FAST !== '0';
/** What needs a current Node even from the bundle: the proxy and the MCP server's HTTP client (undici 8). */
const NEEDS_CURRENT_NODE = ['daemon', 'exec', 'mcp'];
const oldNode = !isSuitable();
const fetchedNode = oldNode ? cachedNode() : undefined;
if (fetchedNode) {
  // An older Node (Debian's 20) with the Node 24 that `npm ci` fetched beside it: run everything on that one.
  rerunOn(fetchedNode);
} else if (oldNode && NEEDS_CURRENT_NODE.includes(process.argv[2])) {
  process.stderr.write(`tokenwarden: \`${process.argv[2]}\` needs Node ${REQUIRED.join('.')} or later, and this is Node ${process.versions.node}. Run \`npm ci\` in the checkout (it fetches Node 24 once) or install Node 24 LTS. (ERR_UNSUPPORTED_NODE)\n`);
  process.exitCode = UNSUPPORTED_NODE_EXIT;
} else if (tryFast && (await fastAnswered())) {
  // Answered: the fast path printed and set process.exitCode.
} else if (bundleIsCurrent()) await import('../dist/cli/tkw.js');
else if (!oldNode) await import('../electron/cli/main.ts');
else {
  // The bundle runs on older Nodes; the TypeScript sources need type stripping. One line, never a stack trace.
  process.stderr.write(`tokenwarden: this checkout's sources changed since dist/cli was built, and Node ${process.versions.node} cannot run them (it needs ${REQUIRED.join('.')} or later). Run \`npm run build:cli\`, or use Node 24. (ERR_UNSUPPORTED_NODE)\n`);
  process.exitCode = UNSUPPORTED_NODE_EXIT;
}

/** Runs this same command on `node` and ends as it ends, passing on every stop signal (the child decides what each means). */
function rerunOn(node) {
  const { spawn } = require('node:child_process');
  const child = spawn(node, [...process.execArgv, process.argv[1], ...process.argv.slice(2)], { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`tokenwarden: could not start ${node}: ${err.message} (ERR_UNSUPPORTED_NODE)\n`);
    process.exitCode = UNSUPPORTED_NODE_EXIT;
  });
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
    } else process.exitCode = code ?? 0;
  });
}

/** True when the fast entry answered (its exit code is set); false when the full CLI must run. */
async function fastAnswered() {
  let runFast;
  // CommonJS by require(): a few ms less than an ESM import, on a path whose whole point is a short start.
  if (bundleIsCurrent('fast')) ({ runFast } = require('../dist/cli/fast.cjs'));
  else if (inCheckout() && !oldNode) ({ runFast } = await import('../electron/cli/fast/fast-main.ts'));
  else return false;
  const code = await runFast(process.argv.slice(2));
  if (code === undefined) return false;
  process.exitCode = code;
  return true;
}

/** Whether dist/cli was built from the sources on disk now: all of them, or only those `entry` (`fast`) names. */
function bundleIsCurrent(entry) {
  if (process.env.TOKENWARDEN_CLI_SOURCE === '1') return false;
  try {
    manifest ??= JSON.parse(readFileSync(`${root}dist/cli/inputs.json`, 'utf8'));
  } catch {
    return false;
  }
  // A manifest from before that entry existed: its bundle was not built.
  if (entry && !Array.isArray(manifest[entry])) return false;
  if (!inCheckout()) return true;
  const only = entry ? new Set(manifest[entry]) : undefined;
  for (const [file, mtimeMs, size] of manifest.inputs) {
    if (only && !only.has(file)) continue;
    const st = statSync(`${root}${file}`, { throwIfNoEntry: false });
    if (st?.mtimeMs !== mtimeMs || st.size !== size) return false;
  }
  return true;
}

/** False in an installed package, which ships only the bundle: no sources at all. */
function inCheckout() {
  return Boolean(statSync(`${root}electron/cli/main.ts`, { throwIfNoEntry: false }));
}
