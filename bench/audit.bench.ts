/**
 * bench:audit — `tkw audit --since 1h` over 1,000,000 entries (goal ≤ 2 s), plus the writer's sealed-append rate,
 * against `wc -l` over the same files in the same run.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EMPTY } from '../electron/core/audit/audit-entry.ts';
import { auditDir, fileAuditStorage } from '../electron/core/audit/audit-files.ts';
import { AuditLog } from '../electron/core/audit/audit-log.ts';
import { median, round, writeResults } from './bench-kit.ts';

const BIN = join(import.meta.dirname, '../bin/tokenwarden.js');
const ENTRIES = Number(process.env.TW_BENCH_AUDIT_ENTRIES ?? 1_000_000);
const RUNS = 3;
const home = mkdtempSync(join(tmpdir(), 'tkw-bench-audit-'));
const dir = auditDir(home);
const env = { ...process.env, TOKENWARDEN_HOME: home, NO_COLOR: '1' };

const NAMES = ['github', 'stripe', 'internal-billing', 'grafana', 'openai'];
const PATHS = ['/repos/acme/api', '/v1/charges', '/user', '/api/dashboards/uid?orgId', '/v1/chat/completions', '/invoices?page&per_page'];
const STATUSES = [200, 200, 200, 200, 200, 200, 201, 204, 304, 401, 404, 429, 500, 502];

/** Entries spread over the last 50 minutes, written through the real writer (MACs included), 10 MB segments. */
async function seed(): Promise<number> {
  const log = new AuditLog({ storage: fileAuditStorage(dir), maxFileBytes: 10 * 1024 * 1024, maxFiles: 1000, flushMs: 60_000, maxPending: 1_000_000 });
  log.setKey(randomBytes(32));
  const start = Date.now() - 50 * 60_000;
  const step = (50 * 60_000) / ENTRIES;
  const began = performance.now();
  for (let i = 0; i < ENTRIES; i++) {
    const name = NAMES[i % NAMES.length]!;
    log.append({
      ...EMPTY,
      ts: new Date(start + i * step).toISOString(),
      kind: 'request',
      credential: name,
      key: i % 7 === 0 ? 'ak_bench01' : 'master',
      mode: 'gateway',
      method: i % 5 === 0 ? 'POST' : 'GET',
      origin: `https://${name}.example.com`,
      path: PATHS[i % PATHS.length]!,
      status: STATUSES[i % STATUSES.length]!,
      durationMs: round(5 + (i % 97) * 1.3),
      bytesIn: i % 5 === 0 ? 512 : 0,
      bytesOut: 1000 + (i % 4000),
      client: i % 3 === 0 ? { pid: 4000 + (i % 50), exe: '/usr/bin/curl', name: null } : null,
    });
    if (i % 20_000 === 19_999) await log.flush();
  }
  await log.close();
  return ((performance.now() - began) / ENTRIES) * 1000;
}

function time(command: string, args: string[]): number {
  const began = performance.now();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}`);
  return performance.now() - began;
}

const medianOf = (command: string, args: string[]): number => median(Array.from({ length: RUNS }, () => time(command, args)));

try {
  const usPerEntry = await seed();
  const files = readdirSync(dir).map((f) => join(dir, f)).filter((f) => f.endsWith('.jsonl'));
  const bytes = files.reduce((sum, f) => sum + statSync(f).size, 0);
  // Warm the page cache once so every measurement reads from memory, like a query right after traffic.
  time('wc', ['-l', ...files]);
  const wc = medianOf('wc', ['-l', ...files]);
  const since = medianOf(process.execPath, [BIN, 'audit', '--since', '1h']);
  const filtered = medianOf(process.execPath, [BIN, 'audit', '--since', '1h', '--name', 'stripe', '--status', '5xx']);
  const stats = medianOf(process.execPath, [BIN, 'stats', '--since', '1h', '--json']);
  const node = medianOf(process.execPath, ['-e', '0']);
  const results = {
    entries: ENTRIES,
    files: files.length,
    megabytes: round(bytes / 1024 / 1024),
    writeUsPerEntry: round(usPerEntry, 2),
    sinceMs: round(since),
    filteredMs: round(filtered),
    statsMs: round(stats),
    wcMs: round(wc),
    nodeColdMs: round(node),
  };
  const table = {
    title: `Audit log (${ENTRIES.toLocaleString('en-US')} entries, ${results.megabytes} MB in ${files.length} segments)`,
    columns: ['Measure', 'Tokenwarden', 'Reference (same run)', 'Ratio', 'Goal'],
    rows: [
      ['`tkw audit --since 1h` (last 100 of all)', `${results.sinceMs} ms`, `\`wc -l\` over the files: ${results.wcMs} ms`, `${round(since / wc, 2)}×`, '≤ 2 s'],
      ['`tkw audit --since 1h --name stripe --status 5xx`', `${results.filteredMs} ms`, `\`wc -l\`: ${results.wcMs} ms`, `${round(filtered / wc, 2)}×`, '—'],
      ['`tkw stats --since 1h --json`', `${results.statsMs} ms`, `\`wc -l\`: ${results.wcMs} ms`, `${round(stats / wc, 2)}×`, '—'],
      ['sealed append (HMAC chain, group commit)', `${results.writeUsPerEntry} µs/entry`, '—', '—', '—'],
    ],
    notes: [
      `Median of ${RUNS} runs each, page cache warm; every CLI figure includes Node start-up (\`node -e 0\`: ${results.nodeColdMs} ms).`,
      'With a limit (default 100) the segments are read newest first and the scan stops at the limit or at `--since`; lines are filtered by their `ts` prefix and credential before any JSON parsing. `stats` reads every request line in the window with one JSON.parse each and no full entry (it needs five fields); building a full 17-field entry per line, as the first version did, took about 11 s here.',
      'Audit overhead on proxy throughput (audit on vs off in the same run) is reported by `bench:proxy`; `TOKENWARDEN_AUDIT=off` turns request auditing off.',
    ],
  };
  const file = writeResults('audit', results, table);
  console.log(`${file}\n${JSON.stringify(results, null, 2)}`);
} finally {
  rmSync(home, { recursive: true, force: true });
}
