#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=16
// DAEMON_ENV and DAEMON_NODE_FLAGS (electron/cli/daemon-node-flags.ts), for `tkw daemon --foreground`; a test keeps them equal.
// `tkw` / `tokenwarden`. Two ways to run, chosen per start:
//  - dist/cli/tkw.js, the esbuild bundle that `prepare`/`prepack` build (scripts/build-cli.js). An installed
//    package has only this: Node refuses to strip types under node_modules. It also starts faster.
//  - electron/cli/main.ts through Node's type stripping, in a checkout whenever a source the bundle was built
//    from changed since (dist/cli/inputs.json holds their mtimes and sizes), so a checkout never runs stale code.
// The compile cache keeps compiled modules on disk, which roughly halves every later start.
// A namespace import, not a named one: Node 20 has no enableCompileCache, and a missing named export fails
// at link time, before any guard could run.
import * as nodeModule from 'node:module';
import { readFileSync, statSync } from 'node:fs';

nodeModule.enableCompileCache?.();

const root = new URL('../', import.meta.url);
if (bundleIsCurrent()) await import('../dist/cli/tkw.js');
else if (canStripTypes()) await import('../electron/cli/main.ts');
else {
  // The bundle runs on older Nodes; the TypeScript sources need type stripping. One line, never a stack trace.
  process.stderr.write(`tokenwarden: this checkout's sources changed since dist/cli was built, and Node ${process.versions.node} cannot run them (it needs 22.18 or later). Run \`npm run build:cli\`, or use Node 24. (ERR_UNSUPPORTED_NODE)\n`);
  process.exitCode = 33; // exitCodeFor('ERR_UNSUPPORTED_NODE'); a test keeps the two equal

}

function canStripTypes() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 18);
}

function bundleIsCurrent() {
  if (process.env.TOKENWARDEN_CLI_SOURCE === '1') return false;
  let inputs;
  try {
    inputs = JSON.parse(readFileSync(new URL('dist/cli/inputs.json', root), 'utf8')).inputs;
  } catch {
    return false;
  }
  // No sources at all: an installed package, which ships only the bundle.
  if (!statSync(new URL('electron/cli/main.ts', root), { throwIfNoEntry: false })) return true;
  for (const [file, mtimeMs, size] of inputs) {
    const st = statSync(new URL(file, root), { throwIfNoEntry: false });
    if (st?.mtimeMs !== mtimeMs || st.size !== size) return false;
  }
  return true;
}
