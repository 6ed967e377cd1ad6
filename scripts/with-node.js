#!/usr/bin/env node
// Makes sure an npm script runs on a Node that can run this project (bin/node-support.js says which: type
// stripping without flags, undici 8, and what vitest, vite and oidc-provider need). A fresh machine may have only an older Node (Debian's 20),
// and the README's two commands must still do all the set-up there. So:
//  - on a suitable Node, `with-node.js SCRIPT.js ARGS` runs the script in this process (no extra process, so
//    signals and exit codes are exactly the script's own), and `with-node.js CMD ARGS` spawns CMD;
//  - on an older Node, Node 24 is fetched once from the npm registry into a cache (one line says so), and the
//    command re-runs under it with that Node first on PATH, so nested `npm run` and `node` calls use it too.
// `with-node.js --fetch` only does the fetch (run by `prepare`, so `npm ci` already names what will happen).
// This file must parse and run on old Nodes: plain JavaScript, nothing imported but node: built-ins and bin/.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { constants as osConstants } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { FETCHED_MAJOR, isSuitable, nodeBinDir as binDir, nodeCacheDir, REQUIRED, UNSUPPORTED_NODE_EXIT } from '../bin/node-support.js';

export { isSuitable, nodeCacheDir, UNSUPPORTED_NODE_EXIT };

function versionOf(node) {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().replace(/^v/, '') : undefined;
}

function fail(message) {
  process.stderr.write(`tokenwarden: ${message} (ERR_UNSUPPORTED_NODE)\n`);
  process.exit(UNSUPPORTED_NODE_EXIT);
}

/** The cached Node's bin directory, fetching it first when it is missing. Exits with one line on failure. */
export function ensureCachedNode() {
  const dir = nodeCacheDir();
  const cached = path.join(binDir(dir), 'node');
  const have = existsSync(cached) ? versionOf(cached) : undefined;
  if (have && isSuitable(have)) return binDir(dir);
  const need = `${REQUIRED[0]}.${REQUIRED[1]}`;
  process.stderr.write(`tokenwarden: Node ${process.versions.node} is older than the ${need} this project needs; fetching Node ${FETCHED_MAJOR} from the npm registry into ${dir} (once, about 40 MB)…\n`);
  // Installed aside and renamed into place, so two scripts fetching at once never see half a Node.
  mkdirSync(path.dirname(dir), { recursive: true });
  const staging = mkdtempSync(`${dir}.partial-`);
  // npm's own lifecycle variables (npm_config_prefix and friends, set while `npm ci` runs `prepare`) would
  // redirect the nested install; it gets a clean environment.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
  const npmCli = process.env.npm_execpath;
  const [command, args] = npmCli && /npm-cli\.js$/.test(npmCli) ? [process.execPath, [npmCli]] : ['npm', []];
  const install = spawnSync(command, [...args, 'install', '--prefix', staging, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', `node@${FETCHED_MAJOR}`], { env, encoding: 'utf8', shell: process.platform === 'win32' });
  const fetched = path.join(binDir(staging), 'node');
  const version = install.status === 0 && existsSync(fetched) ? versionOf(fetched) : undefined;
  if (!version || !isSuitable(version)) {
    rmSync(staging, { recursive: true, force: true });
    const why = (install.stderr || install.error?.message || '').trim().split('\n').filter(Boolean).pop() ?? 'no node binary was installed';
    fail(`could not fetch Node ${FETCHED_MAJOR} (${why}). Install Node ${FETCHED_MAJOR} LTS yourself (https://nodejs.org/) and run the command again.`);
  }
  // Another script may have fetched it meanwhile (and be running it): keep that copy, drop ours.
  const sibling = path.join(binDir(dir), 'node');
  const siblingVersion = existsSync(sibling) ? versionOf(sibling) : undefined;
  if (siblingVersion && isSuitable(siblingVersion)) rmSync(staging, { recursive: true, force: true });
  else {
    rmSync(dir, { recursive: true, force: true });
    try {
      renameSync(staging, dir);
    } catch {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  process.stderr.write(`tokenwarden: using Node ${versionOf(path.join(binDir(dir), 'node'))} from ${dir}\n`);
  return binDir(dir);
}

/** Runs `command args` as a child on `bin`'s Node and exits as it exits, passing on every stop signal. */
function runChild(command, args, bin) {
  const env = { ...process.env, PATH: bin ? `${bin}${path.delimiter}${process.env.PATH ?? ''}` : process.env.PATH };
  const isScript = /\.[cm]?[jt]s$/.test(command);
  const child = isScript
    ? spawn(path.join(bin ?? path.dirname(process.execPath), 'node'), [command, ...args], { stdio: 'inherit', env })
    : spawn(command, args, { stdio: 'inherit', env, shell: process.platform === 'win32' });
  child.on('error', (error) => fail(`${command}: ${error.message}`));
  // The child decides what a signal means (start.js stops its daemon exactly once); we only pass it on.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  // npm runs scripts under `sh -c`; a SIGTERM to npm kills that shell and re-parents us without any event.
  const parent = process.ppid;
  const orphanWatch = setInterval(() => process.ppid !== parent && child.kill('SIGTERM'), 500);
  child.on('exit', (code, signal) => {
    clearInterval(orphanWatch);
    // A child ended by a signal ends us the shell's way: 128 + its number.
    process.exit(code ?? (signal ? 128 + (osConstants.signals[signal] ?? 0) : 0));
  });
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command, ...args] = process.argv.slice(2);
  if (command === '--fetch') {
    if (!isSuitable()) ensureCachedNode();
  } else if (!command) {
    fail('usage: with-node.js SCRIPT.js|COMMAND [ARGS…]');
  } else if (!isSuitable()) {
    runChild(command, args, ensureCachedNode());
  } else if (/\.[cm]?[jt]s$/.test(command)) {
    process.argv = [process.argv[0], path.resolve(command), ...args];
    await import(pathToFileURL(path.resolve(command)).href);
  } else {
    runChild(command, args, undefined);
  }
}
