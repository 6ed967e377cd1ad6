/**
 * `tkw exec --sandbox` (SECURITY X2, X3). Without it an exec child is a same-user process like any other: it
 * can open the data dir and the control socket and ask the owner for any token. Under bubblewrap it gets an
 * empty tmpfs over the data dir (the vault, the owner lock and the control socket inside it), /dev/null over
 * a control socket kept elsewhere, and its own pid namespace and /proc, so the owner's /proc entries (its
 * fds, its memory) are out of sight. The network stays shared: the proxy, with the child's scoped key, is
 * its one way to its credential. Where no working bubblewrap exists the command is refused, never run
 * unconfined: the user asked for the wall, and silently leaving it out would hand over what it guards.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { TokenwardenError } from '../core/base/errors.ts';
import { findProgram } from './which.ts';

export interface SandboxPlan {
  /** The data dir, resolved through symlinks (a mount follows them; a prefix check must not). */
  dataDir: string;
  /** Control socket paths that exist; one inside the data dir is covered by its tmpfs already. */
  socketPaths: string[];
  /** Files the child's environment names (the CA files); those inside the data dir are bound back read-only. */
  readable: string[];
}

export const BWRAP_INSTALL_HINT = 'Install bubblewrap (apt install bubblewrap; dnf or pacman: bubblewrap) and run it again.';

const isInside = (dir: string, path: string): boolean => path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** The bwrap arguments for `command`, in the order bwrap applies them: a bind after the tmpfs shows through it. */
export function bwrapArgs(plan: SandboxPlan, command: readonly string[]): string[] {
  const args = ['--dev-bind', '/', '/', '--tmpfs', plan.dataDir];
  for (const file of plan.readable) if (isInside(plan.dataDir, file)) args.push('--ro-bind', file, file);
  // A device node is not a socket: connect() on it is refused, whoever asks.
  for (const socket of plan.socketPaths) if (!isInside(plan.dataDir, socket)) args.push('--ro-bind', '/dev/null', socket);
  // --proc mounts a fresh /proc over the one --dev-bind brought along, which would list every process.
  // --new-session: without it the command keeps tkw's controlling terminal and can push input into it (TIOCSTI,
  // the CVE-2017-5226 class), which the user's shell would run unconfined after tkw exits. tkw forwards signals itself.
  args.push('--unshare-pid', '--proc', '/proc', '--die-with-parent', '--new-session', '--', ...command);
  return args;
}

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { darwin: 'macOS', win32: 'Windows' };

/** The bwrap to use, or ERR_SANDBOX_UNAVAILABLE: bubblewrap is Linux-only, and it must be on PATH. */
export function locateBwrap(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'linux') {
    throw new TokenwardenError(
      'ERR_SANDBOX_UNAVAILABLE',
      `tkw exec --sandbox needs Linux and bubblewrap; ${PLATFORM_NAMES[platform] ?? platform} has no sandbox for it, so the command was not run. Without --sandbox the child is confined only by its key, like an ssh-agent client.`,
    );
  }
  const bwrap = findProgram('bwrap', env);
  if (!bwrap) throw new TokenwardenError('ERR_SANDBOX_UNAVAILABLE', `bubblewrap (bwrap) is not on PATH, so the command was not run. ${BWRAP_INSTALL_HINT}`);
  return bwrap;
}

/**
 * Starts a throwaway sandbox with the very arguments the child will get, since user namespaces can be turned
 * off (a sysctl, an AppArmor rule) and a failure then would look like the command's own exit 1. Inside runs
 * bwrap's own --version: the one program certain to exist there.
 */
export function checkSandbox(bwrap: string, plan: SandboxPlan, env: NodeJS.ProcessEnv): void {
  const result = spawnSync(bwrap, bwrapArgs(plan, [bwrap, '--version']), { env, encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
  if (result.status === 0) return;
  const said = (result.stderr ?? '').trim().split('\n')[0]?.slice(0, 200);
  const why = said || (result.error as NodeJS.ErrnoException | undefined)?.code || `it ended with ${result.signal ?? `exit ${result.status}`}`;
  throw new TokenwardenError(
    'ERR_SANDBOX_UNAVAILABLE',
    `bubblewrap cannot start a sandbox here (${why}), so the command was not run. It needs unprivileged user namespaces (sysctl user.max_user_namespaces, kernel.unprivileged_userns_clone, or an AppArmor profile for bwrap). ${BWRAP_INSTALL_HINT}`,
  );
}

/** The status fd bwrap writes `{ "child-pid": N, … }` to, N being its pid-1 init as seen from here. */
const STATUS_FD = 3;

export interface SandboxedChild {
  /** The outer bwrap: its exit code is the command's, 128+n when the command died of signal n. */
  child: ChildProcess;
  /** Delivers `signal` to the command itself (bwrap would die of it and take the command down with SIGKILL). */
  signal(signal: NodeJS.Signals): void;
}

export function spawnSandboxed(bwrap: string, plan: SandboxPlan, command: readonly string[], env: NodeJS.ProcessEnv): SandboxedChild {
  const child = spawn(bwrap, ['--json-status-fd', String(STATUS_FD), ...bwrapArgs(plan, command)], { env, stdio: ['inherit', 'inherit', 'inherit', 'pipe'] });
  let initPid: number | undefined;
  let status = '';
  const statusPipe = child.stdio[STATUS_FD] as NodeJS.ReadableStream | null;
  statusPipe?.setEncoding('utf8');
  statusPipe?.on('data', (chunk: string) => {
    if (initPid !== undefined) return;
    status += chunk;
    const newline = status.indexOf('\n');
    if (newline >= 0) initPid = parseChildPid(status.slice(0, newline));
  });
  statusPipe?.on('error', () => undefined);
  return {
    child,
    signal(signal) {
      // bwrap forwards no signal, and its init ignores those it has no handler for: the command, the init's
      // child, is signalled directly. Before the init is known, bwrap itself is, and --die-with-parent ends the rest.
      const targets = initPid === undefined ? [] : childPidsOf(initPid);
      if (targets.length === 0) return void child.kill(signal);
      for (const pid of targets) {
        try {
          process.kill(pid, signal);
        } catch {
          // It has just exited.
        }
      }
    },
  };
}

export function parseChildPid(line: string): number | undefined {
  try {
    const pid = (JSON.parse(line) as { 'child-pid'?: unknown })['child-pid'];
    return typeof pid === 'number' && Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Pids whose parent is `parent`, from /proc/PID/stat (the children file needs a kernel option many lack). */
export function childPidsOf(parent: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // It exited while we looked.
    }
    // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read from the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === parent) pids.push(Number(name));
  }
  return pids;
}

/**
 * bwrap reports a command killed by signal n as exit 128+n, as shells do. When that is the signal tkw passed
 * on, it is given back as the signal, so tkw ends the way the command did, as it does without the sandbox.
 */
export function sandboxOutcome(code: number | null, signal: NodeJS.Signals | null, forwarded: NodeJS.Signals | undefined): { code: number; signal: NodeJS.Signals | null } {
  if (signal) return { code: 1, signal };
  if (forwarded && code === 128 + constants.signals[forwarded]) return { code, signal: forwarded };
  return { code: code ?? 1, signal: null };
}
