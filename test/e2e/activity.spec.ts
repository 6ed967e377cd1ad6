import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { EMPTY } from '../../electron/core/audit/audit-entry.ts';
import { auditDir, fileAuditStorage } from '../../electron/core/audit/audit-files.ts';
import { AuditLog } from '../../electron/core/audit/audit-log.ts';
import { AUDIT_KEY_SECRET } from '../../electron/core/audit/audit-monitor.ts';
import { composeService, createService } from '../../electron/core/create-service.ts';
import { Vault } from '../../electron/core/vault/vault.ts';
import { bindTokenwarden, expect, test, type E2eApp } from '../fixtures/e2e-app.ts';
import { send } from '../fixtures/proxy-client.ts';

// `TW_SCREENSHOT_DIR=docs/screenshots` refreshes the README images, as in screenshots.spec.ts.
const OUT = path.resolve(process.env.TW_SCREENSHOT_DIR ?? 'test-results/screenshots');

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** Real traffic through the proxy: successes, upstream 404/500/429 and wrong keys (which raise key-misuse). */
async function traffic(app: E2eApp, rounds = 1): Promise<void> {
  app.upstream.handler = (req, res) => {
    const status = req.url?.includes('missing') ? 404 : req.url?.includes('boom') ? 500 : req.url?.includes('limit') ? 429 : 200;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  const port = (await app.service.proxyInfo()).port!;
  const key = await app.service.proxyKey();
  const paths = ['/repos/acme/api', '/repos/acme/api', '/user', '/repos/acme/api/pulls?state=open', '/missing', '/boom'];
  for (let r = 0; r < rounds; r++) {
    for (const p of paths) await send(port, { path: `/github${p}`, headers: { 'x-tokenwarden-key': key } });
    for (const p of ['/v1/charges', '/v1/charges', '/limit']) await send(port, { path: `/stripe${p}`, headers: { 'x-tokenwarden-key': key } });
  }
  await send(port, { path: '/github/user', headers: { 'x-tokenwarden-key': 'not-the-key' } });
}

test('the Activity view charts live traffic, has table alternatives, and an alert can be acknowledged by keyboard', async ({ app, page }) => {
  test.setTimeout(180_000);
  for (const name of ['github', 'stripe']) {
    await app.service.add({ kind: 'static', name, hosts: [app.upstream.origin], token: `tw-e2e-activity-${name}-0123456789`, allowInsecureLoopback: true });
  }
  await traffic(app, 3);
  await expect.poll(async () => (await app.service.alerts()).map((a) => a.kind)).toEqual(expect.arrayContaining(['key-misuse', 'rate-limited']));
  await page.setViewportSize({ width: 1280, height: 900 });
  await app.open();

  // The usage sparkline in each credential row.
  await expect(page.getByRole('option', { name: /github/ }).locator('.sparkline canvas')).toHaveCount(1);
  await expect(page.getByRole('option', { name: /github/ })).toContainText('requests in the last hour');

  await page.getByRole('button', { name: 'Activity' }).click();
  await expect(page.getByRole('heading', { name: 'Activity', level: 2 })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Activity' })).toHaveAttribute('aria-current', 'page');
  for (const title of ['Requests per minute, by credential', 'Status classes', 'Latency p50 and p99 (ms)']) {
    await expect(page.getByRole('figure', { name: title }).locator('canvas').first()).toBeVisible();
  }
  const totals = page.getByRole('definition').first();
  await expect(totals).toHaveText('28');
  const perCredential = page.getByRole('region', { name: 'Per credential' });
  // github: 18 proxied requests plus the refused one with a wrong key.
  await expect(perCredential.getByRole('row', { name: /github/ }).getByRole('cell').first()).toHaveText('19');
  await expect(page.getByRole('region', { name: 'Top paths' }).getByRole('row').nth(1)).toContainText('/repos/acme/api');

  // The data table alternative opens from the keyboard.
  const summary = page.getByText('Data table: status classes');
  await summary.focus();
  await page.keyboard.press('Enter');
  const statusTable = page.getByRole('figure', { name: 'Status classes' }).getByRole('table');
  await expect(statusTable.getByRole('row', { name: /4xx/ })).toContainText('4');

  // Live: new traffic shows up without a reload.
  await traffic(app, 1);
  await expect(totals).toHaveText('38');

  // Acknowledge the key-misuse alert with the keyboard.
  const alerts = page.getByRole('region', { name: /Alerts/ });
  const ack = alerts.getByRole('button', { name: 'Acknowledge key-misuse for github' });
  await ack.focus();
  await page.keyboard.press('Enter');
  await expect(alerts.getByRole('button', { name: 'Acknowledge key-misuse for github' })).toHaveCount(0);
  await expect(alerts.getByRole('listitem').filter({ hasText: 'key-misuse' })).toContainText('acknowledged');
  const stored = await app.service.alerts({ all: true });
  expect(stored.find((a) => a.kind === 'key-misuse')!.acknowledgedAt).not.toBeNull();
  expect(stored.find((a) => a.kind === 'rate-limited')!.acknowledgedAt).toBeNull();

  mkdirSync(path.resolve('test-results/screenshots'), { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await expect(page.getByRole('figure', { name: 'Status classes' }).locator('canvas').first()).toBeVisible();
    expect(await seriousViolations(page), `activity ${scheme}`).toEqual([]);
    await page.screenshot({ path: path.resolve('test-results/screenshots', `activity-live-${scheme}.png`) });
  }
  await page.getByRole('button', { name: 'Credentials' }).click();
  await expect(page.getByRole('listbox')).toBeVisible();
});

test('an owner restarted over an hour of audit history charts it (README screenshots)', async ({ app, page }) => {
  test.setTimeout(180_000);
  const home = mkdtempSync(path.join(tmpdir(), 'tw-e2e-history-'));
  const env = { TOKENWARDEN_PASSPHRASE: 'history passphrase' };
  const names = ['github', 'stripe', 'internal-billing'];
  try {
    const first = await createService({ home, env, keyring: false, proxy: false });
    for (const name of names) await first.add({ kind: 'static', name, hosts: [`https://api.${name}.example`], token: `tw-e2e-history-${name}-0123456789` });
    await first.close();
    // An hour of traffic, sealed with the vault's chain key like the owner would have written it.
    const vault = await Vault.open({ home, passphrase: () => env.TOKENWARDEN_PASSPHRASE, keyring: false });
    await vault.unlock();
    const key = Buffer.from(vault.getSecret(AUDIT_KEY_SECRET)!, 'base64url');
    vault.lock();
    const log = new AuditLog({ storage: fileAuditStorage(auditDir(home)), flushMs: 60_000, maxPending: 100_000 });
    log.setKey(key);
    const now = Date.now();
    const paths = ['/repos/acme/api', '/user', '/v1/charges', '/invoices?page', '/repos/acme/api/pulls?state'];
    for (let m = 60; m >= 1; m--) {
      const wave = Math.round(20 + 15 * Math.sin(m / 6));
      names.forEach((name, n) => {
        for (let i = 0; i < wave - n * 6; i++) {
          const status = i % 17 === 0 ? 500 : i % 9 === 0 ? 404 : i % 23 === 0 ? 429 : 200;
          log.append({ ...EMPTY, ts: new Date(now - m * 60_000 + i * 900).toISOString(), kind: 'request', credential: name, key: 'master', mode: 'gateway', method: 'GET', origin: `https://api.${name}.example`, path: paths[(i + n) % paths.length]!, status, durationMs: 20 + ((i * 37) % 90) + n * 15, bytesIn: 0, bytesOut: 900 });
        }
      });
    }
    await log.close();
    const { api: owner, dispatcher } = await composeService({ home, env, keyring: false, proxy: { port: 0 } });
    try {
      await expect.poll(async () => (await owner.stats({ since: '1h' })).credentials.length, { timeout: 20_000 }).toBe(3);
      await owner.ackAlert({ all: true }).catch(() => undefined);
      const port = (await owner.proxyInfo()).port!;
      await send(port, { path: '/github/user', headers: { 'x-tokenwarden-key': 'wrong-key-for-the-screenshot' } });
      await expect.poll(async () => (await owner.alerts()).length).toBe(1);
      const viewer = await page.context().newPage();
      const unbind = await bindTokenwarden(viewer, { service: owner, dispatcher, appOrigin: app.origin });
      try {
        await viewer.setViewportSize({ width: 1280, height: 1180 });
        mkdirSync(OUT, { recursive: true });
        for (const scheme of ['light', 'dark'] as const) {
          await viewer.emulateMedia({ colorScheme: scheme });
          await viewer.goto(`${app.origin}/index.html`);
          await expect(viewer.getByRole('option', { name: /github/ }).locator('.sparkline canvas')).toHaveCount(1);
          await viewer.screenshot({ path: path.join(OUT, `list-sparklines-${scheme}.png`) });
          await viewer.getByRole('button', { name: 'Activity' }).click();
          await expect(viewer.getByRole('figure', { name: 'Requests per minute, by credential' }).locator('canvas').first()).toBeVisible();
          await expect(viewer.getByRole('region', { name: /Alerts/ }).getByRole('listitem')).toHaveCount(1);
          expect(await seriousViolations(viewer), `activity with history ${scheme}`).toEqual([]);
          await viewer.screenshot({ path: path.join(OUT, `activity-${scheme}.png`) });
        }
      } finally {
        unbind();
        await viewer.close();
      }
    } finally {
      await owner.close();
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
