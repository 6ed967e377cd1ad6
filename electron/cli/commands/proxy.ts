/** Proxy-facing commands: exec, proxy-env, ca, proxy-key. They need a running owner (the proxy lives there). */
import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { usageError } from '../fail.ts';
import { proxyEnv, renderEnv, type Shell } from '../proxy-env.ts';
import { requireDaemon, type Session } from '../session.ts';
import { writeCaBundle } from '../../core/proxy/ca-bundle.ts';
import { writeFileAtomic } from '../../core/vault/atomic-file.ts';
import { TokenwardenError } from '../../core/errors.ts';
import { parseDuration, POLICY_MESSAGES } from '../../../shared/policy.ts';

/** Writes our CA and the system-plus-ours bundle beside the vault, for the env vars below. */
async function caFiles(session: Session): Promise<{ caPath: string; bundlePath: string }> {
  const pem = await session.api.caPem();
  const caPath = join(session.home, 'ca.pem');
  const bundlePath = join(session.home, 'ca-bundle.pem');
  // A fresh 0600 file renamed over the old one: a reader never sees half a PEM, and the mode is always right (S4, R1).
  await writeFileAtomic(caPath, pem, { mode: 0o600 });
  await writeCaBundle(pem, bundlePath);
  return { caPath, bundlePath };
}

/** `key` is the access key to hand out; without one, the master key (the owner's own shell only). */
async function envFor(session: Session, name: string | undefined, key?: string): Promise<Record<string, string>> {
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
    .action(async (name: string, command: string[], opts: { envToken?: string; ttl?: string }) => {
      const [file, ...args] = command;
      if (!file) throw usageError('Give the command to run after --, e.g. tkw exec github -- curl https://api.github.com/user');
      if (opts.envToken !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.envToken)) throw usageError('--env-token needs an environment variable name.');
      const ttlSeconds = ttlFlag(opts.ttl);
      let keyId: string | undefined;
      const extra = await ctx.withSession(async (session) => {
        if (opts.envToken) return { [opts.envToken]: await session.api.token(name) };
        // A6: the child gets a fresh key for NAME alone, never the master key; it is revoked when the child exits.
        requireDaemon(session, 'The proxy');
        const scoped = await session.api.createAccessKey({ for: [name], label: `exec ${basename(file)}`.slice(0, 100), ...(ttlSeconds ? { ttlSeconds } : {}) });
        keyId = scoped.id;
        return envFor(session, name, scoped.key);
      });
      // The passphrase opens the whole vault; the child gets one credential's access, never that (S7).
      const { TOKENWARDEN_PASSPHRASE: _passphrase, ...inherited } = io.env;
      let outcome: ChildOutcome;
      try {
        outcome = await runChild(file, args, { ...inherited, ...extra });
      } finally {
        if (keyId) await revokeQuietly(ctx, keyId);
      }
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
        const env = await envFor(session, name, key);
        if (opts.json) printJson(io, env);
        else io.out(`${renderEnv(env, opts.shell)}\n`);
      }),
    );

  program
    .command('ca')
    .summary('the per-install CA used for CONNECT interception')
    .option('--pem', 'print the CA certificate (the default)')
    .option('--path', 'print the path of the CA certificate file')
    .action((opts: { pem?: boolean; path?: boolean }) =>
      ctx.withSession(async (session) => {
        requireDaemon(session, 'The CA');
        if (opts.path) io.out(`${(await caFiles(session)).caPath}\n`);
        else io.out(await session.api.caPem());
      }),
    );

  program
    .command('proxy-key')
    .summary('show the proxy key tail, or --rotate it')
    .option('--rotate', 'replace the proxy key; running clients must pick up the new one')
    .action((opts: { rotate?: boolean }) =>
      ctx.withSession(async (session) => {
        const info = opts.rotate ? await session.api.rotateProxyKey() : await session.api.proxyInfo();
        io.out(`${opts.rotate ? 'Rotated. ' : ''}Proxy key ends …${info.keyTail ?? '????'}; print it with proxy-env.\n`);
      }),
    );
}

function ttlFlag(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const seconds = parseDuration(text);
  if (seconds === undefined) throw new TokenwardenError('ERR_INVALID_INPUT', `--ttl: ${POLICY_MESSAGES.ttl}`);
  return seconds;
}

/** The child is gone; its key must go too. A failure here is reported, not fatal: the child's outcome stands. */
async function revokeQuietly(ctx: CommandContext, id: string): Promise<void> {
  try {
    await ctx.withSession((session) => session.api.revokeAccessKey(id));
  } catch (err) {
    ctx.io.err(`tokenwarden: could not revoke the child's access key ${id} (${(err as { code?: string }).code ?? 'error'}); run: tkw key revoke ${id}\n`);
  }
}

interface ChildOutcome {
  code: number;
  signal: NodeJS.Signals | null;
}

/** Runs the child with inherited stdio; the caller turns its exit code or signal into ours (after revoking its key). */
function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: 'inherit', env });
    const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((s) => [s, forward(s)] as const);
    for (const [s, h] of handlers) process.on(s, h);
    const cleanup = () => handlers.forEach(([s, h]) => process.off(s, h));
    child.on('error', (err: NodeJS.ErrnoException) => {
      cleanup();
      reject(new TokenwardenError(err.code === 'ENOENT' ? 'ERR_USAGE' : 'ERR_INTERNAL', `Cannot run "${file}": ${err.code ?? 'spawn failed'}.`));
    });
    child.on('exit', (code, signal) => {
      cleanup();
      resolve({ code: code ?? 1, signal });
    });
  });
}
