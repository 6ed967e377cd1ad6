#!/usr/bin/env node
// `npm start`: the desktop app where the Electron binary exists, otherwise the headless daemon.
// (On these CI machines the Electron download is impossible, so the daemon is the main job.)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    // Under plain Node, require('electron') returns the binary path, or throws when the download failed.
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
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
