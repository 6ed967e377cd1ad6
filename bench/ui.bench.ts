/**
 * UI bench: first render of the token list with 10,000 credentials in Debian Chromium (goal <= 500 ms),
 * against 100 credentials measured in the same run, plus scroll frame times through the virtualised list.
 * Run `npm run bench:ui` (builds the renderer first). Writes bench/results/ui.json.
 */
import { availableParallelism, loadavg } from 'node:os';
import { chromium, type Browser, type Page } from 'playwright-core';
import { API_METHODS } from '../shared/contract.ts';
import type { CredentialSummary } from '../shared/model.ts';
import { CHROMIUM_ARGS } from '../playwright.config.ts';
import { startRendererServer } from '../test/fixtures/e2e-renderer-server.ts';
import { median, round, writeResults } from './bench-kit.ts';

const RUNS = Number(process.env.UI_BENCH_RUNS ?? 5);
const GOAL_MS = 500;

function makeSummaries(count: number, now = Date.now()): CredentialSummary[] {
  const statuses = ['valid', 'valid', 'valid', 'expiring', 'expired', 'needs-login', 'refresh-failed', 'revoked'] as const;
  const scopes = ['repo', 'read:org', 'workflow', 'api:read', 'api:write', 'billing', 'admin'];
  const out: CredentialSummary[] = [];
  for (let i = 0; i < count; i += 1) {
    const iso = new Date(now - 86_400_000).toISOString();
    out.push({
      name: `cred-${String(i).padStart(5, '0')}`,
      kind: i % 3 === 0 ? 'oauth' : i % 3 === 1 ? 'static' : 'exec',
      hosts: [`https://api${i % 97}.example.com`, ...(i % 5 === 0 ? ['https://backup.example.com'] : [])],
      scopes: scopes.slice(i % 4, (i % 4) + 1 + (i % 3)),
      audience: ['api'],
      subject: `user-${i}`,
      issuer: 'https://idp.example.com',
      authPolicy: 'reject',
      allowInsecureLoopback: false,
      expiresAt: i % 11 === 0 ? null : new Date(now + ((i * 7919) % 86_400) * 1000 - 3_600_000).toISOString(),
      status: statuses[i % statuses.length]!,
      lastUsedAt: null,
      lastRefreshAt: null,
      createdAt: iso,
      updatedAt: iso,
      tokenTail: 'abcd',
    });
  }
  return out;
}

/** Marks the first animation frame after rows exist, and when list() returned, in page time. */
function installProbe(): void {
  const w = window as unknown as Record<string, number>;
  const observer = new MutationObserver(() => {
    if (document.querySelector('[role="option"]')) {
      observer.disconnect();
      requestAnimationFrame(() => {
        w.__rowsPaintedAt = performance.now();
      });
    }
  });
  observer.observe(document, { childList: true, subtree: true });
}

type Mode = 'in-page' | 'binding';

async function firstRender(browser: Browser, origin: string, count: number, mode: Mode): Promise<{ totalMs: number; renderMs: number; loadMs: number; callMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const summaries = makeSummaries(count);
  if (mode === 'binding') {
    // Summaries cross a process boundary like Electron IPC; as one JSON string, because Playwright's own
    // object serialisation is far slower than Electron's structured clone and would measure Playwright.
    const listJson = JSON.stringify({ ok: true, value: summaries });
    await page.exposeBinding('__twInvoke', async (_s, method: string) => {
      if (method === 'list') return listJson;
      if (method === 'status') return { ok: true, value: { locked: false, keyslots: ['passphrase'], dataDir: '/b', vaultPath: '/b/v', ownerPid: 1, proxy: null, credentialCount: count, warnings: [] } };
      return { ok: false, error: { code: 'ERR_NOT_AVAILABLE', message: 'bench' } };
    });
  }
  await page.addInitScript(
    ({ methods, inPage, data }) => {
      const w = window as unknown as Record<string, unknown>;
      const bridge: Record<string, unknown> = {};
      for (const m of methods) {
        bridge[m] = async () => {
          if (m === 'list') w.__listCalledAt = performance.now();
          if (!inPage) {
            const r = await (w.__twInvoke as (m: string) => Promise<unknown>)(m);
            if (m !== 'list') return r;
            const parsed = JSON.parse(r as string) as unknown;
            w.__listReturnedAt = performance.now();
            return parsed;
          }
          if (m === 'list') {
            w.__listReturnedAt = performance.now();
            return { ok: true, value: data };
          }
          if (m === 'status') return { ok: true, value: { locked: false, keyslots: ['passphrase'], dataDir: '/b', vaultPath: '/b/v', ownerPid: 1, proxy: null, credentialCount: 0, warnings: [] } };
          return { ok: false, error: { code: 'ERR_NOT_AVAILABLE', message: 'bench' } };
        };
      }
      bridge.onEvent = () => () => undefined;
      w.tokenwarden = bridge;
    },
    { methods: [...API_METHODS], inPage: mode === 'in-page', data: mode === 'in-page' ? summaries : [] },
  );
  await page.addInitScript(installProbe);
  await page.goto(`${origin}/index.html`);
  await page.waitForFunction(() => typeof (window as unknown as Record<string, unknown>).__rowsPaintedAt === 'number', null, { timeout: 30_000 });
  const marks = await page.evaluate(() => {
    const w = window as unknown as Record<string, number>;
    return { painted: w.__rowsPaintedAt!, listed: w.__listReturnedAt!, called: w.__listCalledAt! };
  });
  const rows = await page.locator('[role="option"]').count();
  if (rows === 0 || rows > 80) throw new Error(`expected a virtualised window of rows, got ${rows}`);
  await page.close();
  return { totalMs: marks.painted, renderMs: marks.painted - marks.listed, loadMs: marks.called, callMs: marks.painted - marks.called };
}

async function scrollFrames(browser: Browser, origin: string, count: number): Promise<{ p50: number; p95: number; max: number }> {
  const page: Page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const summaries = makeSummaries(count);
  await page.addInitScript(
    ({ methods, data }) => {
      const bridge: Record<string, unknown> = {};
      for (const m of methods) {
        bridge[m] = async () =>
          m === 'list'
            ? { ok: true, value: data }
            : m === 'status'
              ? { ok: true, value: { locked: false, keyslots: [], dataDir: '/b', vaultPath: '/b/v', ownerPid: 1, proxy: null, credentialCount: 0, warnings: [] } }
              : { ok: false, error: { code: 'ERR_NOT_AVAILABLE', message: 'bench' } };
      }
      bridge.onEvent = () => () => undefined;
      (window as unknown as Record<string, unknown>).tokenwarden = bridge;
    },
    { methods: [...API_METHODS], data: summaries },
  );
  await page.goto(`${origin}/index.html`);
  await page.locator('[role="option"]').first().waitFor();
  const deltas = await page.evaluate(async () => {
    const el = document.querySelector('[role="listbox"]') as HTMLElement;
    const frames: number[] = [];
    let last = performance.now();
    const max = el.scrollHeight - el.clientHeight;
    for (let i = 1; i <= 120; i += 1) {
      el.scrollTop = (max * i) / 120;
      await new Promise(requestAnimationFrame);
      const t = performance.now();
      frames.push(t - last);
      last = t;
    }
    return frames;
  });
  await page.close();
  const sorted = [...deltas].sort((a, b) => a - b);
  return { p50: median(deltas), p95: sorted[Math.floor(sorted.length * 0.95)]!, max: sorted[sorted.length - 1]! };
}

const server = await startRendererServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
try {
  // One warm-up load so the first measured run is not paying for Chromium's own start-up.
  await firstRender(browser, server.origin, 100, 'in-page');
  const results: Record<string, { totalMs: number[]; renderMs: number[]; loadMs: number[]; callMs: number[] }> = {};
  for (const [label, count, mode] of [
    ['100 in-page', 100, 'in-page'],
    ['10000 in-page', 10_000, 'in-page'],
    ['100 binding', 100, 'binding'],
    ['10000 binding', 10_000, 'binding'],
  ] as const) {
    results[label] = { totalMs: [], renderMs: [], loadMs: [], callMs: [] };
    for (let i = 0; i < RUNS; i += 1) {
      const r = await firstRender(browser, server.origin, count, mode);
      results[label]!.totalMs.push(round(r.totalMs));
      results[label]!.renderMs.push(round(r.renderMs));
      results[label]!.loadMs.push(round(r.loadMs));
      results[label]!.callMs.push(round(r.callMs));
    }
  }
  const scroll = await scrollFrames(browser, server.origin, 10_000);
  const med = (label: string, key: 'totalMs' | 'renderMs' | 'loadMs' | 'callMs') => round(median(results[label]![key]));
  const ratio = (a: string, b: string) => round(med(a, 'totalMs') / med(b, 'totalMs'), 2);
  // The goal is about the renderer's own work once the data is there; page load is reported beside it.
  const render10k = Math.max(med('10000 binding', 'renderMs'), med('10000 in-page', 'renderMs'));
  const load = loadavg().map((n) => round(n, 1));
  const table = {
    title: 'Desktop UI: first render of the token list (Chromium)',
    columns: ['credentials', 'bridge', 'navigation → rows painted', 'navigation → list() called (bundle + mount)', 'list() called → rows painted', 'of which render after data', 'total vs 100 rows'],
    rows: (
      [
        ['100', 'in-page', '100 in-page', '100 in-page'],
        ['10,000', 'in-page', '10000 in-page', '100 in-page'],
        ['100', 'exposeBinding, JSON (IPC-like)', '100 binding', '100 binding'],
        ['10,000', 'exposeBinding, JSON (IPC-like)', '10000 binding', '100 binding'],
      ] as const
    ).map(([count, bridge, label, ref]) => [
      count,
      bridge,
      `${med(label, 'totalMs')} ms`,
      `${med(label, 'loadMs')} ms`,
      `${med(label, 'callMs')} ms`,
      `${med(label, 'renderMs')} ms`,
      `${ratio(label, ref)}×`,
    ]),
    notes: [
      `Goal: first render of 10,000 credentials <= ${GOAL_MS} ms, measured from list() returning to the first frame with rows: median ${round(render10k)} ms (${render10k <= GOAL_MS ? 'met' : 'NOT met'}). Including the transfer over Playwright's CDP binding: ${med('10000 binding', 'callMs')} ms; that transport (a ~4 MB string through the DevTools protocol) is Playwright's, not Electron IPC's, which is not available here.`,
      'Navigation → list() called grows with the row count only because of the harness (the in-page variant inlines the data into an init script); the app does not load anything per row.',
      `Load average during the run: ${load.join(' / ')} on ${availableParallelism()} cores${load[0]! > availableParallelism() ? '; the machine was busy, so absolute times are inflated' : ''}. Compare the ratios.`,
      'Navigation → rows painted is measured in page time from navigation start to the first animation frame with rows in the DOM (includes loading and parsing the bundle).',
      `Scrolling top to bottom through 10,000 rows in 120 steps: frame time p50 ${round(scroll.p50)} ms, p95 ${round(scroll.p95)} ms, max ${round(scroll.max)} ms (@tanstack/react-virtual keeps ~30 rows in the DOM).`,
      'Headless Debian Chromium, --disable-gpu, one page per run, the renderer served by the app:// handler over loopback.',
    ],
  };
  const file = writeResults('ui', { runs: RUNS, goalMs: GOAL_MS, loadAverage: load, render10kMedianMs: render10k, firstRender: results, scrollFrameMs: scroll }, table);
  console.log(table.rows.map((r) => r.join(' | ')).join('\n'));
  console.log(table.notes.join('\n'));
  console.log(`wrote ${file}`);
} finally {
  await browser.close();
  await server.close();
}
