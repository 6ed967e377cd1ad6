#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary exists, otherwise the headless daemon.
// (On these CI machines the Electron download is impossible, so the daemon is the main job.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { DAEMON_ENV, DAEMON_NODE_FLAGS } from '../electron/cli/daemon-node-flags.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // Read electron's own path.txt instead of require('electron'): recent versions try to download
    // the binary on require, which is slow and noisy on a machine without internet.
    const dir = path.dirname(require.resolve('electron/package.json'));
    const rel = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
    const binary = path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? path.join(dir, 'dist'), rel);
    return existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const args = process.argv.slice(2);
const electron = process.env.TOKENWARDEN_HEADLESS ? undefined : electronBinary();
let child;
if (electron) {
  const build = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (build.status) process.exit(build.status);
  child = spawn(electron, ['.', ...args], { cwd: root, stdio: 'inherit' });
} else {
  console.log('tokenwarden: the Electron binary is not installed here; running the headless daemon instead (Ctrl-C stops it).');
  child = spawn(process.execPath, [...DAEMON_NODE_FLAGS, `${root}/bin/tokenwarden.js`, 'daemon', '--foreground', ...args], { cwd: root, stdio: 'inherit', env: { ...DAEMON_ENV, ...process.env } });
}

// Stop the child exactly once, however we are told to: a second signal (Ctrl-C reaches the whole process
// group, and npm forwards it as well) must not kill the daemon halfway through closing its vault.
let stopping = false;
function stop(signal) {
  if (stopping) return;
  stopping = true;
  child.kill(signal);
}
// A closed terminal (SIGHUP) stops the daemon the orderly way, as SIGTERM does.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => stop(signal === 'SIGHUP' ? 'SIGTERM' : signal));

// `npm start` runs us under `sh -c`, and a SIGTERM to npm reaches that shell, not us: the shell dies and we are
// re-parented. No event reports that, so watch the parent pid (cheaply, and only while the child runs).
const parent = process.ppid;
const orphanWatch = setInterval(() => {
  if (process.ppid !== parent) stop('SIGTERM');
}, 500);
child.on('exit', (code, signal) => {
  clearInterval(orphanWatch);
  process.exit(code ?? (signal ? 1 : 0));
});
