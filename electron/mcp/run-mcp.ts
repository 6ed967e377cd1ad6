/**
 * `tkw mcp`: serves MCP on stdin/stdout until stdin ends or a signal arrives, then revokes its key and exits.
 * stdout carries only MCP messages; every log line goes to stderr.
 */
import type { Readable, Writable } from 'node:stream';
import type { ControlApi } from '../../shared/contract.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { AccessKeyScope } from './access-scope.ts';
import { checkAllowed } from './allow-check.ts';
import { clientLabel, createMcpServer } from './mcp-server.ts';
import type { McpOptions } from './mcp-options.ts';
import { linkOwner } from './owner-link.ts';
import { ProxySender } from './proxy-sender.ts';
import { StdioLineTransport } from './stdio-line-transport.ts';

export interface McpIo {
  env: NodeJS.ProcessEnv;
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

/** Above the 8 MiB body limit once base64 and JSON are added; larger lines are skipped and answered. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
const VERSION = '0.1.0';

export async function runMcp(options: McpOptions, io: McpIo): Promise<void> {
  const log = (line: string) => void io.stderr.write(`${new Date().toISOString()} tokenwarden mcp: ${line}\n`);
  // A stray console.log anywhere would corrupt the MCP stream; route it to stderr for this process.
  console.log = console.info = console.debug = (...args: unknown[]) => console.error(...args);
  const link = await linkOwner(io.env, log);
  let scope: AccessKeyScope | undefined;
  let sender: ProxySender | undefined;
  try {
    const info = await link.api.proxyInfo();
    if (!info.port) throw new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The running owner has no proxy; start it with its proxy enabled.');
    await reportVault(link.api, options.allow, log);
    scope = new AccessKeyScope(link.api, options.allow, {
      ttlSeconds: options.keyTtlSeconds,
      label: `tkw mcp (pid ${process.pid})`,
      whileConnected: link.mode === 'daemon',
      log,
    });
    await scope.prepare();
    sender = new ProxySender({ port: info.port, caPem: () => link.api.caPem() });
    let label = 'mcp/unknown';
    const server = createMcpServer({ api: link.api, scope, sender, maxBodyBytes: options.maxBodyBytes, client: () => label, log }, VERSION);
    server.server.oninitialized = () => {
      label = clientLabel(server);
      log(`client ${label} connected; exposing ${options.allow.join(', ')}`);
    };
    const transport = new StdioLineTransport(io.stdin, io.stdout, { maxMessageBytes: MAX_MESSAGE_BYTES, log });
    const reason = await new Promise<string>((resolve) => {
      server.server.onclose = () => resolve('stdin closed');
      void link.lost.then(() => resolve('the owner went away'));
      for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => resolve(`received ${signal}`));
      server.connect(transport).then(
        () => log(`ready (${link.mode === 'own' ? 'own owner' : 'via the running owner'})`),
        (err: unknown) => {
          log(`could not start: ${(err as Error).message}`);
          resolve('start failed');
        },
      );
    });
    log(`${reason}, stopping`);
    await server.close().catch(() => undefined);
  } finally {
    await scope?.close().catch((err: unknown) => log(`could not revoke the access key: ${(err as Error).message}`));
    await sender?.close();
    await link.close();
    log('stopped');
  }
}

/** A locked vault cannot be checked: the server starts and its tools answer ERR_LOCKED until it unlocks. */
async function reportVault(api: ControlApi, allow: string[], log: (line: string) => void): Promise<void> {
  const status = await api.status();
  if (status.locked) {
    log('the vault is locked: tools answer ERR_LOCKED until it is unlocked (TOKENWARDEN_PASSPHRASE, the keyring or `tkw unlock`)');
    return;
  }
  const warning = checkAllowed(allow, (await api.list()).map((s) => s.name));
  if (warning) log(warning);
}
