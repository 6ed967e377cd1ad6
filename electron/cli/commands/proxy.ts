/** Proxy-facing commands: exec, proxy-env, ca, proxy-key. They need a running owner (the proxy lives there). */
import { spawn } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import type { CommandContext } from '../context.ts';
import { printJson } from '../context.ts';
import { usageError } from '../fail.ts';
import { proxyEnv, renderEnv, type Shell } from '../proxy-env.ts';
import { requireDaemon, type Session } from '../session.ts';
import { writeCaBundle } from '../../core/proxy/ca-bundle.ts';
import { TokenwardenError } from '../../core/errors.ts';

/** Writes our CA and the system-plus-ours bundle beside the vault, for the env vars below. */
async function caFiles(session: Session): Promise<{ caPath: string; bundlePath: string }> {
  const pem = await session.api.caPem();
  const caPath = join(session.home, 'ca.pem');
  const bundlePath = join(session.home, 'ca-bundle.pem');
  writeFileSync(caPath, pem, { mode: 0o600 });
  chmodSync(caPath, 0o600); // `mode` applies only when the file is created (S4).
  await writeCaBundle(pem, bundlePath);
  return { caPath, bundlePath };
}

async function envFor(session: Session, name: string | undefined): Promise<Record<string, string>> {
  requireDaemon(session, 'The proxy');
  const info = await session.api.proxyInfo();
  if (!info.port) throw new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The owner runs without a proxy.');
  const hosts = name ? (await session.api.get(name)).hosts : [];
  return proxyEnv({
    name: name ?? '',
    key: await session.api.proxyKey(),
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
    .action(async (name: string, command: string[], opts: { envToken?: string }) => {
      const [file, ...args] = command;
      if (!file) throw usageError('Give the command to run after --, e.g. tkw exec github -- curl https://api.github.com/user');
      if (opts.envToken !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(opts.envToken)) throw usageError('--env-token needs an environment variable name.');
      const extra = await ctx.withSession(async (session) => {
        if (opts.envToken) return { [opts.envToken]: await session.api.token(name) };
        return envFor(session, name);
      });
      // The passphrase opens the whole vault; the child gets one credential's access, never that (S7).
      const { TOKENWARDEN_PASSPHRASE: _passphrase, ...inherited } = io.env;
      ctx.exitCode = await runChild(file, args, { ...inherited, ...extra });
    });

  program
    .command('proxy-env')
    .summary('print proxy exports for eval "$(tkw proxy-env NAME)"')
    .argument('[name]', 'credential to use; omitted = the one bound to the requested origin')
    .addOption(new Option('--shell <shell>', 'output syntax').choices(['sh', 'fish', 'powershell']).default('sh'))
    .option('--json', 'print the variables as JSON')
    .action((name: string | undefined, opts: { shell: Shell; json?: boolean }) =>
      ctx.withSession(async (session) => {
        const env = await envFor(session, name);
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

/** Runs the child with inherited stdio; its exit code becomes ours, and a signal death is re-raised. */
function runChild(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
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
      if (signal) {
        process.kill(process.pid, signal);
        return;
      }
      resolve(code ?? 1);
    });
  });
}
