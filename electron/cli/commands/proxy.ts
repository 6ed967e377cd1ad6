/** Proxy-facing commands: exec, proxy-env, ca, proxy-key. They need a running owner (the proxy lives there). */
import { spawn } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { formatFailure, usageError, warnLine } from '../fail.ts';
import { childBaseEnv, proxyEnv, renderEnv, type Shell } from '../proxy-env.ts';
import { checkSandbox, locateBwrap, sandboxOutcome, spawnSandboxed, type SandboxPlan } from '../exec-sandbox.ts';
import { findProgram } from '../which.ts';
import { requireDaemon, type Session } from '../session.ts';
import { caFilePaths } from '../../core/proxy/ca-file.ts';
import { resolveDataDir } from '../../core/base/data-dir.ts';
import { readOwnerLock } from '../../core/vault/owner-lock.ts';
import { TokenwardenError } from '../../core/base/errors.ts';
import { durationFlag } from '../policy-flags.ts';

/** The owner writes our CA and the system-plus-ours bundle beside the vault when asked for the CA (ca-file.ts). */
async function caFiles(session: Session): Promise<{ caPath: string; bundlePath: string }> {
  await session.api.caPem();
  return caFilePaths(session.home);
}

/** `key` is the access key to hand out; without one, the master key (the owner's own shell only). */
async function envFor(session: Session, name: string | undefined, nodeOptions: string | undefined, key?: string): Promise<Record<string, string>> {
  requireDaemon(session, 'The proxy');
  const info = await session.api.proxyInfo();
  if (!info.port) throw new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The owner runs without a proxy.');
  const hosts = name ? (await session.api.get(name)).hosts : [];
  return proxyEnv({
    name: name ?? '',
    key: key ?? (await session.api.proxyKey()),
    port: info.port,
    boundHostnames: hosts.map((h) => new URL(h).hostname.replace(/^\[|\]$/g, '')),
    ...(await caFiles(session)),
    nodeOptions,
  });
}

export function registerProxy(program: Command, ctx: CommandContext): void {
  const { io } = ctx;
  program
    .command('exec')
    .summary('run a command with the proxy (or the token) in its environment')
    .argument('<name>')
    .argument('[command...]', 'the command and its arguments, after --')
    .option('--env-token <var>', 'put the access token in this env var instead of using the proxy')
    .option('--ttl <duration>', 'also let the child\'s access key expire after 90s, 10m, 2h or 7d')
    .option('--sandbox', 'Linux, with bubblewrap: hide the data dir, the control socket and other processes from the command')
    .allowUnknownOption()
    .action(async (name: string, command: string[], opts: { envToken?: string; ttl?: string; sandbox?: boolean }, cmd: Command) => {
      const [file, ...args] = command;
      if (!file) throw usageError('Give the command to run after --, e.g. tkw exec github -- curl https://api.github.com/user');
      if (!rawArgs(cmd).includes('--') && command.some((a) => a.startsWith('-'))) {
        throw usageError(`Put -- before the command, so its options are not read as tkw's: tkw exec ${name} -- ${command.join(' ')}`);
      }
      if (opts.envToken !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.envToken)) throw usageError('--env-token needs an environment variable name.');
      const ttlSeconds = ttlFlag(opts.ttl);
      // X3: refused before anything is asked of the owner, and never run without the sandbox instead.
      const bwrap = opts.sandbox ? locateBwrap(io.env) : undefined;
      // X1, S7: no passphrase, no TOKENWARDEN_HOME; the child gets one credential's access, never the vault's.
      const inherited = childBaseEnv(io.env);
      const { envToken } = opts;
      const outcome = envToken
        ? await ctx.withSession(async (session) => {
            // Checked before the token is read, so a refusal reads none.
            const sandbox = bwrap ? sandboxFor(bwrap, session.home, [], io.env) : undefined;
            return { sandbox, token: await session.api.token(name) };
          }).then(({ token, sandbox }) => runChild(file, args, { ...inherited, [envToken]: token }, io, sandbox))
        : await ctx.withSession(async (session) => {
            // A6: the child gets a fresh key for NAME alone, never the master key. The key lives only while this
            // control connection is open, so the owner revokes it however tkw ends: child exit, Ctrl-C or SIGKILL.
            requireDaemon(session, 'The proxy');
            // Checked before the key exists, so a refusal leaves none behind; the CA files it binds back must exist.
            const sandbox = bwrap ? sandboxFor(bwrap, session.home, Object.values(await caFiles(session)), io.env) : undefined;
            const label = `exec ${basename(file)}`.slice(0, 100);
            const scoped = await session.api.createAccessKey({ for: [name], label, whileConnected: true, ...(ttlSeconds ? { ttlSeconds } : {}) });
            try {
              return await runChild(file, args, { ...inherited, ...(await envFor(session, name, io.env.NODE_OPTIONS, scoped.key)) }, io, sandbox);
            } finally {
              // Revoked before we exit, not a moment after: closing the connection would also do it, asynchronously.
              await session.api.revokeAccessKey(scoped.id).catch(() => undefined);
            }
          });
      if (outcome.signal) process.kill(process.pid, outcome.signal);
      else ctx.exitCode = outcome.code;
    });

  program
    .command('proxy-env')
    .summary('print proxy exports for eval "$(tkw proxy-env NAME)"')
    .argument('[name]', 'credential to use; omitted = the one bound to the requested origin')
    .addOption(new Option('--shell <shell>', 'output syntax').choices(['sh', 'fish', 'powershell']).default('sh'))
    .option('--json', 'print the variables as JSON')
    .option('--scoped', 'use a fresh access key limited to NAME instead of the master key')
    .option('--ttl <duration>', 'with --scoped: the key expires after 90s, 10m, 2h or 7d')
    .action((name: string | undefined, opts: { shell: Shell; json?: boolean; scoped?: boolean; ttl?: string }) =>
      ctx.withSession(async (session) => {
        if (opts.ttl !== undefined && !opts.scoped) throw usageError('--ttl goes with --scoped.');
        if (opts.scoped && !name) throw usageError('--scoped needs the credential NAME: tkw proxy-env NAME --scoped.');
        const ttlSeconds = ttlFlag(opts.ttl);
        let key: string | undefined;
        if (opts.scoped) {
          requireDaemon(session, 'The proxy');
          const scoped = await session.api.createAccessKey({ for: [name!], label: `proxy-env ${name}`, ...(ttlSeconds ? { ttlSeconds } : {}) });
          key = scoped.key;
          io.err(`Access key ${scoped.id} for ${name}${scoped.expiresAt ? `, expires ${scoped.expiresAt}` : ''}; revoke it with: tkw key revoke ${scoped.id}\n`);
        }
        const env = await envFor(session, name, io.env.NODE_OPTIONS, key);
        if (opts.json) printJson(io, env);
        else io.out(`${renderEnv(env, opts.shell)}\n`);
      }),
    );

  program
    .command('ca')
    .summary('the per-install CA used for CONNECT interception')
    .option('--pem', 'print the CA certificate (the default)')
    .option('--path', 'print the path of the CA certificate file (works without a daemon)')
    .action(async (opts: { pem?: boolean; path?: boolean }) => {
      if (opts.path) return printCaPath();
      await ctx.withSession(async (session) => {
        requireDaemon(session, 'The CA');
        io.out(await session.api.caPem());
      });
    });

  /** The path is fixed by the data dir; a running owner is asked first so the file it names is current. */
  async function printCaPath(): Promise<void> {
    const home = resolveDataDir(io.env);
    const owner = readOwnerLock(home);
    if (owner && owner.role !== 'cli' && owner.socketPath) {
      await ctx.withSession((session) => session.api.caPem()).catch(() => undefined);
    }
    const { caPath } = caFilePaths(home);
    if (!existsSync(caPath)) io.err(warnLine('The CA file is written by the daemon or the desktop app once the proxy runs; it does not exist yet.'));
    io.out(`${caPath}\n`);
  }

  program
    .command('proxy-key')
    .summary('show the proxy key tail, --print it, or --rotate it')
    .option('--print', 'print the proxy key itself (a secret: it lets any local process use the proxy)')
    .option('--rotate', 'replace the proxy key; running clients must pick up the new one')
    .action((opts: { print?: boolean; rotate?: boolean }) =>
      ctx.withSession(async (session) => {
        if (opts.print && opts.rotate) throw usageError('Use --rotate first, then --print.');
        if (opts.print) return void io.out(`${await session.api.proxyKey()}\n`);
        const info = opts.rotate ? await session.api.rotateProxyKey() : await session.api.proxyInfo();
        io.out(`${opts.rotate ? 'Rotated. ' : ''}Proxy key ends …${info.keyTail ?? '????'}; print it with --print.\n`);
      }),
    );
}

function rawArgs(cmd: Command): string[] {
  return (cmd.parent as (Command & { rawArgs?: string[] }) | null)?.rawArgs ?? [];
}

function ttlFlag(text: string | undefined): number | undefined {
  return durationFlag('--ttl', text);
}

interface ChildOutcome {
  code: number;
  signal: NodeJS.Signals | null;
}

interface Sandbox {
  bwrap: string;
  plan: SandboxPlan;
}

/** X2: what the child must not see (the data dir, wherever the owner's socket is) and the CA files it must read. */
function sandboxFor(bwrap: string, home: string, readable: string[], env: NodeJS.ProcessEnv): Sandbox {
  const real = (path: string) => (existsSync(path) ? realpathSync(path) : path);
  const socketPath = readOwnerLock(home)?.socketPath;
  const plan: SandboxPlan = {
    dataDir: realpathSync(home),
    socketPaths: socketPath && existsSync(socketPath) ? [real(socketPath)] : [],
    readable: readable.filter((path) => existsSync(path)).map(real),
  };
  checkSandbox(bwrap, plan, env);
  return { bwrap, plan };
}

/**
 * Runs the child with inherited stdio; the caller turns its exit code or signal into ours (after revoking its key).
 * A program that cannot be found exits 127 and one that cannot be run 126, as shells do.
 */
function runChild(file: string, args: string[], env: NodeJS.ProcessEnv, io: CommandContext['io'], sandbox?: Sandbox): Promise<ChildOutcome> {
  // bwrap would report a missing program as its own exit 1; found first, it exits 127 as without the sandbox.
  if (sandbox && !findProgram(file, env)) return Promise.resolve(missingProgram(file, io));
  return new Promise((resolve) => {
    const sandboxed = sandbox ? spawnSandboxed(sandbox.bwrap, sandbox.plan, [file, ...args], env) : undefined;
    const child = sandboxed?.child ?? spawn(file, args, { stdio: 'inherit', env });
    let forwarded: NodeJS.Signals | undefined;
    const forward = (signal: NodeJS.Signals) => () => {
      forwarded = signal;
      if (sandboxed) sandboxed.signal(signal);
      else child.kill(signal);
    };
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const cleanup = () => handlers.forEach(([s, h]) => process.off(s, h));
    child.on('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      if (err.code === 'ENOENT') return resolve(missingProgram(sandbox ? sandbox.bwrap : file, io));
      io.err(`${formatFailure(new TokenwardenError('ERR_USAGE', `"${sandbox ? sandbox.bwrap : file}" cannot be run (${err.code ?? 'spawn failed'}).`)).line}\n`);
      resolve({ code: 126, signal: null });
    });
    child.on('exit', (code, signal) => {
      cleanup();
      resolve(sandbox ? sandboxOutcome(code, signal, forwarded) : { code: code ?? 1, signal });
    });
  });
}

function missingProgram(file: string, io: CommandContext['io']): ChildOutcome {
  io.err(`${formatFailure(new TokenwardenError('ERR_USAGE', `"${file}" was not found (check the name and PATH).`)).line}\n`);
  return { code: 127, signal: null };
}
