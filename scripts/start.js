#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary exists, otherwise the headless daemon.
// (On these CI machines the Electron download is impossible, so the daemon is the main job.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

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
  child = spawn(process.execPath, [`${root}/bin/tokenwarden.js`, 'daemon', '--foreground', ...args], { cwd: root, stdio: 'inherit' });
}
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
