/** bench:cli — cold start of `tokenwarden list` at 100 credentials, daemon time-to-ready and idle RSS, against bare-Node references from the same run. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createService } from '../electron/core/create-service.ts';
import { median, round, writeResults } from './bench-kit.ts';

const BIN = join(import.meta.dirname, '../bin/tokenwarden.js');
const RUNS = 10;
const home = mkdtempSync(join(tmpdir(), 'tkw-bench-cli-'));
const env = { ...process.env, TOKENWARDEN_HOME: home, TOKENWARDEN_PASSPHRASE: 'bench passphrase', DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent', NO_COLOR: '1' };

async function seed(count: number): Promise<void> {
  const service = await createService({ home, env, keyring: false, proxy: false });
  for (let i = 0; i < count; i++) {
    await service.add({ kind: 'static', name: `svc-${i}`, hosts: [`https://svc-${i}.example.com`], token: `bench_token_${i}_abcdefghijkl` });
  }
  await service.close();
}

function timeCommand(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { env, stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return performance.now() - start;
}

function rssKb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
}

/** Starts a child, resolves with ms until `marker` appears on stdout, and the child. */
function startUntil(args: string[], marker: RegExp): Promise<{ ms: number; child: ReturnType<typeof spawn> }> {
  const start = performance.now();
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (marker.test(out)) resolve({ ms: performance.now() - start, child });
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

async function idleRss(args: string[], marker: RegExp): Promise<{ readyMs: number; rssMb: number }> {
  const { ms, child } = await startUntil(args, marker);
  // Idle means after start-up garbage is collectable; give the process a moment with nothing to do.
  await new Promise((r) => setTimeout(r, 1500));
  const rss = rssKb(child.pid!) / 1024;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  return { readyMs: ms, rssMb: rss };
}

await seed(100);
const nodeCold = median(Array.from({ length: RUNS }, () => timeCommand(['-e', '0'])));
const listCold = median(Array.from({ length: RUNS }, () => timeCommand([BIN, 'list'])));
const bareServer = ["-e", "require('http').createServer((q,s)=>s.end()).listen(0,'127.0.0.1',()=>console.log('ready'))"];
const refs = [];
const daemons = [];
for (let i = 0; i < 5; i++) {
  refs.push(await idleRss(bareServer, /ready/));
  daemons.push(await idleRss([BIN, 'daemon', '--foreground', '--port', '0'], /ready proxy=/));
}
rmSync(home, { recursive: true, force: true });

const results = {
  listColdMs: round(listCold),
  nodeColdMs: round(nodeCold),
  daemonReadyMs: round(median(daemons.map((d) => d.readyMs))),
  bareServerReadyMs: round(median(refs.map((d) => d.readyMs))),
  daemonIdleRssMb: round(median(daemons.map((d) => d.rssMb))),
  bareServerIdleRssMb: round(median(refs.map((d) => d.rssMb))),
};
const file = writeResults('cli', results, {
  title: 'CLI and daemon (100 credentials)',
  columns: ['Measure', 'Tokenwarden', 'Reference (same run)', 'Ratio', 'Goal'],
  rows: [
    ['`tokenwarden list` cold start', `${results.listColdMs} ms`, `\`node -e 0\`: ${results.nodeColdMs} ms`, `${round(listCold / nodeCold, 2)}×`, '—'],
    ['daemon time to ready', `${results.daemonReadyMs} ms`, `bare http server: ${results.bareServerReadyMs} ms`, `${round(results.daemonReadyMs / results.bareServerReadyMs, 2)}×`, '≤ 400 ms'],
    ['daemon idle RSS', `${results.daemonIdleRssMb} MB`, `bare http server: ${results.bareServerIdleRssMb} MB`, `${round(results.daemonIdleRssMb / results.bareServerIdleRssMb, 2)}×`, '≤ 80 MB'],
  ],
  notes: [
    'Median of 10 cold starts and 5 daemon starts; the vault uses the passphrase keyslot, so each start pays one scrypt derivation.',
    "Goals missed: ready and RSS are dominated by loading the module graph under Node's type stripping (measured idle: ~650 ms for the service graph incl. zod, openid-client, undici and jose; ~190 ms for the scrypt N=2^15 unlock). An esbuild bundle of the CLI measured ~30% faster and ~30 MB smaller in this session but adds a build step with staleness risk, so it was left out; the keyring/safe-storage keyslots skip scrypt entirely. The compile cache (enabled in bin/tokenwarden.js) helps repeated runs.",
  ],
});
console.log(JSON.stringify(results, null, 2), `\nwrote ${file}`);
