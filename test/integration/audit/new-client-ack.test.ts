/**
 * The `new-client` alert through the real CLI and daemon: one alert per program (executable path) and credential,
 * named by its short name, and acknowledging it marks the program known for that credential across restarts.
 */
import { realpathSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { basename } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AlertItem } from '../../../shared/audit-model.ts';
import type { CliEnv } from '../../fixtures/cli-run.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { startUpstream, type TestUpstream } from '../../fixtures/proxy-upstream.ts';

const { setup, daemon } = useCliHomes();
let upstream: TestUpstream;

beforeEach(async () => {
  upstream = await startUpstream();
});
afterEach(async () => {
  await upstream.close();
});

/** A GET from this test process, the client program, on `agent`'s one kept-alive connection. */
function get(agent: Agent, port: number, key: string, path: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'x-tokenwarden-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

const newClientAlerts = async (cli: CliEnv, all = false) =>
  z.array(AlertItem).parse(JSON.parse((await cli.run(['alerts', '--json', ...(all ? ['--all'] : [])])).stdout)).filter((a) => a.kind === 'new-client' && a.credential === 'api');

const proxyKey = async (cli: CliEnv) => (await cli.run(['proxy-env', 'api'])).stdout.match(/api:([A-Za-z0-9_-]+)@/)![1]!;

async function owner(cli: CliEnv): Promise<{ port: number; key: string; stop: () => Promise<unknown> }> {
  const d = await daemon(cli);
  return { port: d.port, key: await proxyKey(cli), stop: () => d.stop() };
}

/**
 * Requests from this process until the daemon has attributed one to our executable. The connection stays open
 * meanwhile: the daemon's /proc lookup for it then always finds the socket, and a request on it that was recorded
 * before the lookup finished (a busy machine) is simply followed by one that gets the answer.
 */
async function attributedRequest(cli: CliEnv, o: { port: number; key: string }, path: string): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const attributed = async () => (await cli.run(['audit', '--json', '--name', 'api', '--limit', '0'])).stdout.split('\n').some((l) => l.includes(`"path":"${path}"`) && l.includes('"exe":'));
  try {
    await expect
      .poll(
        async () => {
          expect(await get(agent, o.port, o.key, `/api${path}`)).toBe(200);
          return attributed();
        },
        { timeout: 20_000, interval: 100 },
      )
      .toBe(true);
  } finally {
    agent.destroy();
  }
}

describe('new-client alerts', () => {
  it('one alert per program and credential, named by its short name; ack marks it known, also after a restart', async () => {
    const cli = setup();
    // Added before any owner runs, so the first owner already serves it.
    expect((await cli.run(['add', 'api', '--host', upstream.origin, '--allow-insecure-loopback', '--token-stdin'], { input: 'tkw-new-client-token' })).code).toBe(0);
    let o = await owner(cli);
    const exe = realpathSync(process.execPath);

    await attributedRequest(cli, o, '/first');
    await expect.poll(async () => (await newClientAlerts(cli)).length, { timeout: 10_000 }).toBe(1);
    const [alert] = await newClientAlerts(cli);
    expect(alert!.message).toMatch(new RegExp(`^${basename(exe).replace(/[.]/g, '\\.')} used "api" for the first time`));
    expect(alert!.message).toContain(`(${exe})`);
    expect(alert!.message).not.toMatch(/pid/);

    // The same program again, on a new connection: no second alert.
    await attributedRequest(cli, o, '/second');
    expect(await newClientAlerts(cli)).toEqual([expect.objectContaining({ id: alert!.id, count: 1 })]);

    // Not acknowledged, so not known: after a restart it folds into the alert still open, never a new one.
    await o.stop();
    o = await owner(cli);
    await attributedRequest(cli, o, '/after-restart');
    await expect.poll(async () => (await newClientAlerts(cli))[0]?.count, { timeout: 10_000 }).toBe(2);
    expect((await newClientAlerts(cli)).map((a) => a.id)).toEqual([alert!.id]);

    // Acknowledged: the program is known for "api", through this owner and the next one.
    expect((await cli.run(['alerts', 'ack', alert!.id])).code).toBe(0);
    await attributedRequest(cli, o, '/known');
    await o.stop();
    o = await owner(cli);
    await attributedRequest(cli, o, '/known-after-restart');
    expect(await newClientAlerts(cli)).toEqual([]);
    expect((await newClientAlerts(cli, true)).map((a) => a.id)).toEqual([alert!.id]);
  }, 90_000);
});
