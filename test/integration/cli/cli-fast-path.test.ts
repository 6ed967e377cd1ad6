/**
 * `tkw token`, `list` and `status` take the fast path (electron/cli/fast/) when an owner runs, and print byte
 * for byte what the full CLI prints for the same state, with the same exit code; TOKENWARDEN_CLI_FAST=0 forces
 * the full CLI. Both ways of running are compared: the bundle (a packaged copy, built here, so edits made
 * meanwhile in the checkout cannot turn it into the source) and the TypeScript source.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS script without types (it must run on old Nodes)
import { buildCli } from '../../../scripts/build-cli.js';
import { exitCodeFor } from '../../../shared/errors.ts';
import { useCliHomes } from '../../fixtures/cli-homes.ts';
import { BIN, type CliEnv } from '../../fixtures/cli-run.ts';
import { OLD_NODE } from '../../fixtures/old-node.ts';

const { setup, daemon } = useCliHomes();
let dir: string;
let trace: string;
let packagedBin: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tkw-fast-path-'));
  // An installed package's layout: bin/ and dist/cli/ without sources, so its bin always runs the bundle.
  await (buildCli as (options: { out: string }) => Promise<unknown>)({ out: join(dir, 'pkg/dist/cli') });
  mkdirSync(join(dir, 'pkg/bin'));
  packagedBin = join(dir, 'pkg/bin/tokenwarden.js');
  copyFileSync(BIN, packagedBin);
  copyFileSync(join(BIN, '../node-support.js'), join(dir, 'pkg/bin/node-support.js'));
  writeFileSync(join(dir, 'pkg/package.json'), '{"type":"module"}\n');
  // Records every file module a run loads, to tell which path answered.
  trace = join(dir, 'trace-loads.mjs');
  writeFileSync(
    trace,
    "import { registerHooks } from 'node:module';\nimport { appendFileSync } from 'node:fs';\n" +
      "registerHooks({ load(url, context, next) { if (url.startsWith('file:')) appendFileSync(process.env.TKW_TRACE_FILE, `${url}\\n`); return next(url, context); } });\n",
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  loaded: string[];
}

let runs = 0;
async function run(cli: CliEnv, bin: string, args: string[], env: NodeJS.ProcessEnv = {}, node = process.execPath): Promise<Run> {
  const traceFile = join(dir, `loads-${runs++}.txt`);
  writeFileSync(traceFile, '');
  const flags = node === process.execPath ? ['--import', pathToFileURL(trace).href] : [];
  const child = spawn(node, [...flags, bin, ...args], { env: { ...cli.env, ...env, TKW_TRACE_FILE: traceFile }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [code] = (await once(child, 'close')) as [number | null];
  cli.transcript.push(stdout, stderr);
  return { code, stdout, stderr, loaded: readFileSync(traceFile, 'utf8').split('\n').filter(Boolean) };
}

/** The owner's memory changes between two calls; everything else in status must not. */
const steady = (text: string): string =>
  text.replace(/^memory {6}.*$/m, 'memory      (varies)').replace(/"(rssBytes|heapUsedBytes|heapTotalBytes)": \d+/g, '"$1": 0');

const WAYS = {
  bundle: { bin: () => packagedBin, env: {}, fastModule: '/dist/cli/fast.cjs', fullModule: '/dist/cli/tkw.js' },
  source: { bin: () => BIN, env: { TOKENWARDEN_CLI_SOURCE: '1' }, fastModule: '/electron/cli/fast/fast-main.ts', fullModule: '/electron/cli/program.ts' },
} as const;

/** Runs `args` the fast way and the full way; returns the fast run after checking both printed the same. */
async function compare(cli: CliEnv, way: keyof typeof WAYS, args: string[], expectFast = true): Promise<Run> {
  const w = WAYS[way];
  const fast = await run(cli, w.bin(), args, w.env);
  const full = await run(cli, w.bin(), args, { ...w.env, TOKENWARDEN_CLI_FAST: '0' });
  const label = `${way}: tkw ${args.join(' ')}`;
  expect(full.loaded.some((url) => url.endsWith(w.fullModule)), `${label}, full`).toBe(true);
  expect(fast.loaded.some((url) => url.endsWith(w.fastModule)), `${label}, fast`).toBe(true);
  expect(fast.loaded.some((url) => url.endsWith(w.fullModule)), `${label}: the fast way ${expectFast ? 'answered alone' : 'handed over'}`).toBe(!expectFast);
  expect({ code: fast.code, stdout: steady(fast.stdout), stderr: fast.stderr }, label).toEqual({ code: full.code, stdout: steady(full.stdout), stderr: full.stderr });
  return fast;
}

async function seeded(): Promise<CliEnv> {
  const cli = setup();
  await daemon(cli);
  for (const [name, host, token] of [['github', 'https://api.github.com', 'tkwcanary_fast_gh_7c1e'], ['gitlab', 'https://gitlab.example.com', 'tkwcanary_fast_gl_2b9d']] as const) {
    expect((await cli.run(['add', name, '--host', host, '--token-stdin'], { input: token })).code).toBe(0);
  }
  return cli;
}

describe.each(Object.keys(WAYS) as (keyof typeof WAYS)[])('the fast path (%s) with a running owner', (way) => {
  it('prints what the full CLI prints for token, a mistyped name, list, ls and status, each with --json', async () => {
    const cli = await seeded();
    expect((await compare(cli, way, ['token', 'github'])).stdout).toBe('tkwcanary_fast_gh_7c1e\n');
    const missing = await compare(cli, way, ['token', 'githb']);
    expect(missing.code).toBe(exitCodeFor('ERR_NOT_FOUND'));
    expect(missing.stderr).toMatch(/^tokenwarden: .*Did you mean .*github.*\(ERR_NOT_FOUND\)\n$/);
    for (const args of [['list'], ['list', '--json'], ['ls'], ['ls', '--json'], ['status'], ['status', '--json']]) await compare(cli, way, args);
    expect((await compare(cli, way, ['list'])).stdout).toMatch(/^NAME +KIND +HOSTS/);
    expect(JSON.parse((await compare(cli, way, ['status', '--json'])).stdout)).toMatchObject({ locked: false, credentialCount: 2 });
  });

  it('prints what the full CLI prints while the owner holds the vault locked', async () => {
    const cli = await seeded();
    expect((await run(cli, BIN, ['lock'])).code).toBe(0);
    const locked = await compare(cli, way, ['token', 'github']);
    expect(locked.code).toBe(exitCodeFor('ERR_LOCKED'));
    expect(locked.stderr).toMatch(/^tokenwarden: .*\(ERR_LOCKED\)\n$/);
    for (const args of [['list'], ['list', '--json'], ['status'], ['status', '--json']]) await compare(cli, way, args);
  });

  it('hands over to the full CLI when no owner runs: status stays local, token opens the vault itself', async () => {
    const cli = setup();
    const status = await compare(cli, way, ['status'], false);
    expect(status.stdout).toContain('no owner running');
    expect((await compare(cli, way, ['token', 'nothing'], false)).code).toBe(exitCodeFor('ERR_NOT_FOUND'));
  });

  it('hands over --help and unknown flags to commander', async () => {
    const cli = await seeded();
    for (const args of [['token', '--help'], ['list', '--bogus'], ['status', '--json', 'extra']]) await compare(cli, way, args, false);
  });
});

describe.runIf(OLD_NODE)(`the fast bundle on the machine's own Node (${OLD_NODE ?? 'none older than 22.19'})`, () => {
  it('prints what Node 24 prints', async () => {
    const cli = await seeded();
    for (const args of [['token', 'github'], ['list', '--json'], ['token', 'githb']]) {
      const old = await run(cli, packagedBin, args, {}, OLD_NODE!);
      const full = await run(cli, packagedBin, args, { TOKENWARDEN_CLI_FAST: '0' });
      expect({ code: old.code, stdout: old.stdout, stderr: old.stderr }, args.join(' ')).toEqual({ code: full.code, stdout: full.stdout, stderr: full.stderr });
    }
  });
});
