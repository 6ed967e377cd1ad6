#!/usr/bin/env node
// Runs a command inside a private D-Bus session with an unlocked gnome-keyring (the Secret Service),
// so the os-keyring keyslot is tested against the real thing. Without dbus or gnome-keyring the
// command still runs, and the keyring tests then prove the passphrase fallback instead.
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
const quoted = args.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' ');

let result;
if (has('dbus-run-session') && has('gnome-keyring-daemon')) {
  const script = `echo -n tokenwarden-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; TOKENWARDEN_KEYRING_EXPECTED=1 npx ${quoted}`;
  result = spawnSync('dbus-run-session', ['--', 'sh', '-c', script], { stdio: 'inherit' });
} else {
  console.warn('with-keyring: no dbus-run-session/gnome-keyring; running without a Secret Service');
  result = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, TOKENWARDEN_KEYRING_EXPECTED: '0' } });
}
process.exit(result.status ?? 1);
