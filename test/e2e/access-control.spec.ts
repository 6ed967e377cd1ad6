import { mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/e2e-app.ts';
import { POLICY_MESSAGES } from '../../shared/policy.ts';

const TOKEN = 'tw-canary-e2e-access-0123456789abcdef';
// `TW_SCREENSHOT_DIR=docs/screenshots npx playwright test access-control` refreshes the README images.
const OUT = path.resolve(process.env.TW_SCREENSHOT_DIR ?? 'test-results/screenshots');

async function seriousViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

async function gateway(app: { service: { proxyInfo(): Promise<{ url: string | null }> } }, name: string, key: string, method = 'GET'): Promise<number> {
  const info = await app.service.proxyInfo();
  return (await fetch(`${info.url}/${name}/v1/items`, { method, headers: { 'X-Tokenwarden-Key': key } })).status;
}

test('A1 the policy section edits a credential policy with the CLI messages, and the proxy enforces it', async ({ app, page }) => {
  await app.service.add({ kind: 'static', name: 'api', hosts: [app.upstream.origin], token: TOKEN, allowInsecureLoopback: true });
  await app.open();
  await page.getByRole('option', { name: /api/ }).click();
  const detail = page.getByRole('complementary', { name: 'Credential details' });
  const section = detail.getByRole('region', { name: 'Access policy' });
  await expect(section).toContainText('no limits');
  await section.getByRole('button', { name: 'Edit policy' }).click();
  const form = section.getByRole('form', { name: 'Access policy for api' });
  await form.getByLabel('Rate').fill('0/s');
  await form.getByLabel('Paths').fill('v1/*');
  await form.getByLabel('Max uses').fill('0');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(form.getByText(POLICY_MESSAGES.rateZero)).toBeVisible();
  await expect(form.getByText(POLICY_MESSAGES.paths)).toBeVisible();
  await expect(form.getByText(POLICY_MESSAGES.maxUses)).toBeVisible();
  await expect(form.getByLabel('Rate')).toHaveAttribute('aria-invalid', 'true');
  expect((await app.service.get('api')).policy).toBeUndefined();

  await form.getByLabel('Rate').fill('');
  await form.getByLabel('Paths').fill('/v1/*');
  await form.getByLabel('Methods').fill('get');
  await form.getByLabel('Max uses').fill('1');
  await form.getByRole('button', { name: 'Save policy' }).click();
  await expect(section).toContainText('methods GET · paths /v1/* · 1 use');
  await expect(section).toContainText('Uses left');
  expect((await app.service.get('api')).policy).toEqual({ methods: ['GET'], paths: ['/v1/*'], maxUses: 1 });

  const key = await app.service.proxyKey();
  const before = app.upstream.calls.length;
  expect(await gateway(app, 'api', key, 'POST')).toBe(403);
  expect(await gateway(app, 'api', key)).toBe(200);
  expect(await gateway(app, 'api', key)).toBe(403);
  expect(app.upstream.calls.length - before).toBe(1);
  // The owner pushes the change: the badge says used up without a reload.
  await expect(detail.locator('.detail-head')).toContainText('used up');
  await expect(section).toContainText('none: the proxy refuses this credential (used up)');

  await section.getByRole('button', { name: 'Edit policy' }).click();
  // E5: lifting the one-use limit from the window needs main's native dialog; the scripted one cancels first.
  await section.getByRole('button', { name: 'Clear policy' }).click();
  await expect(page.getByRole('status')).toContainText('Loosening this access policy was not confirmed');
  expect((await app.service.get('api')).policy).toEqual({ methods: ['GET'], paths: ['/v1/*'], maxUses: 1 });
  app.confirm.answer = true;
  await section.getByRole('button', { name: 'Clear policy' }).click();
  await expect(section).toContainText('no limits');
  expect(await gateway(app, 'api', key, 'POST')).toBe(200);
});

test('A5 the Access keys view creates a key shown once with a copy button, lists it and revokes it', async ({ app, page }) => {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.origin });
  await app.service.add({ kind: 'static', name: 'api', hosts: [app.upstream.origin], token: TOKEN, allowInsecureLoopback: true });
  await app.service.add({ kind: 'static', name: 'other', hosts: [app.upstream.origin], token: `${TOKEN}-other`, allowInsecureLoopback: true });
  await app.open();
  await page.getByRole('button', { name: 'Access keys' }).click();
  const view = page.getByRole('dialog', { name: 'Access keys' });
  await expect(view).toContainText('No access keys yet.');
  const form = view.getByRole('form', { name: 'Create an access key' });

  await form.getByLabel('Uses').fill('0');
  await form.getByLabel('Expires after').fill('-1');
  await form.getByRole('button', { name: 'Create key' }).click();
  await expect(form.getByText(POLICY_MESSAGES.forEmpty)).toBeVisible();
  await expect(form.getByText(POLICY_MESSAGES.maxUses)).toBeVisible();
  await expect(form.getByText(POLICY_MESSAGES.ttl)).toBeVisible();
  expect(await app.service.listAccessKeys()).toEqual([]);

  await form.getByLabel('api').check();
  await form.getByLabel('Uses').fill('1');
  await form.getByLabel('Expires after').fill('10m');
  await form.getByLabel('Label').fill('ci job');
  await form.getByRole('button', { name: 'Create key' }).click();
  const once = view.getByRole('status', { name: 'New access key' });
  await expect(once).toContainText('only time it is shown');
  const key = await once.getByLabel(/New access key/).inputValue();
  expect(key).toMatch(/^twk_/);
  await once.getByRole('button', { name: 'Copy key' }).click();
  await expect(once.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);

  const table = view.getByRole('table', { name: 'Access keys' });
  const row = table.getByRole('row', { name: /ci job/ });
  await expect(row).toContainText('api');
  await expect(row).toContainText('active');
  await expect(row).toContainText(/in (9|10)m/);
  await once.getByRole('button', { name: 'I have stored it' }).click();
  await expect(once).toBeHidden();
  // Shown once: after "stored", the page no longer holds the key anywhere.
  expect(await page.content()).not.toContain(key.slice(4, 30));

  expect(await gateway(app, 'other', key)).toBe(403);
  expect(await gateway(app, 'api', key)).toBe(200);
  expect(await gateway(app, 'api', key)).toBe(401);

  // A second key, revoked from the list: the next request with it gets 401.
  await form.getByLabel('other').check();
  await form.getByRole('button', { name: 'Create key' }).click();
  const second = await view.getByRole('status', { name: 'New access key' }).getByLabel(/New access key/).inputValue();
  await view.getByRole('button', { name: 'I have stored it' }).click();
  expect(await gateway(app, 'other', second)).toBe(200);
  const id = (await app.service.listAccessKeys()).find((k) => k.for.includes('other'))!.id;
  await table.getByRole('button', { name: `Revoke ${id}` }).click();
  await page.getByRole('dialog', { name: `Revoke ${id}?` }).getByRole('button', { name: 'Revoke key' }).click();
  await expect(table.getByRole('row', { name: new RegExp(id) })).toContainText('revoked');
  expect(await gateway(app, 'other', second)).toBe(401);
});

test('screenshots of the policy section and the Access keys view in light and dark', async ({ app, page }) => {
  test.setTimeout(120_000);
  mkdirSync(OUT, { recursive: true });
  await app.service.add({ kind: 'static', name: 'github', hosts: ['https://api.github.com'], token: `${TOKEN}-gh`, policy: { methods: ['GET', 'HEAD'], paths: ['/repos/*', '/user'], rate: '600/min', maxUses: 500 } });
  await app.service.add({ kind: 'static', name: 'ci-deploy', hosts: ['https://deploy.example.com'], token: `${TOKEN}-ci`, policy: { maxUses: 1 } });
  await app.service.createAccessKey({ for: ['ci-deploy'], uses: 1, ttlSeconds: 3600, label: 'release pipeline #412' });
  await app.service.createAccessKey({ for: ['github'], methods: ['GET'], rate: '10/s', label: 'dashboard script' });
  const revoked = await app.service.createAccessKey({ for: ['github'], ttlSeconds: 600, label: 'exec curl' });
  await app.service.revokeAccessKey(revoked.id);
  await page.setViewportSize({ width: 1280, height: 860 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.open();
    await page.getByRole('option', { name: /github/ }).click();
    const section = page.getByRole('region', { name: 'Access policy' });
    await section.getByRole('button', { name: 'Edit policy' }).click();
    await section.getByLabel('Rate').fill('0/s');
    await section.getByRole('button', { name: 'Save policy' }).click();
    await expect(section.getByText(POLICY_MESSAGES.rateZero)).toBeVisible();
    await section.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(OUT, `policy-${scheme}.png`) });
    await section.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Access keys' }).click();
    const view = page.getByRole('dialog', { name: 'Access keys' });
    await view.getByRole('form', { name: 'Create an access key' }).getByLabel('ci-deploy').check();
    await view.getByLabel('Uses').fill('1');
    await view.getByLabel('Expires after').fill('30m');
    await view.getByLabel('Label').fill('nightly backup');
    await view.getByRole('button', { name: 'Create key' }).click();
    await expect(view.getByRole('status', { name: 'New access key' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, `access-keys-${scheme}.png`) });
    await view.getByRole('button', { name: 'I have stored it' }).click();
    await view.getByRole('button', { name: 'Close' }).click();
  }
});

test('axe: the policy editor with errors and the Access keys view with a new key have 0 serious or critical violations', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.service.add({ kind: 'static', name: 'api', hosts: [app.upstream.origin], token: TOKEN, allowInsecureLoopback: true, policy: { maxUses: 3 } });
  await app.service.createAccessKey({ for: ['api'], uses: 1, label: 'listed' });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await app.open();
    await page.getByRole('option', { name: /api/ }).click();
    const section = page.getByRole('region', { name: 'Access policy' });
    await section.getByRole('button', { name: 'Edit policy' }).click();
    await section.getByLabel('Rate').fill('banana');
    await section.getByRole('button', { name: 'Save policy' }).click();
    await expect(section.getByText(POLICY_MESSAGES.rate)).toBeVisible();
    expect(await seriousViolations(page), `policy editor ${colorScheme}`).toEqual([]);
    await section.getByRole('button', { name: 'Cancel' }).click();

    await page.getByRole('button', { name: 'Access keys' }).click();
    const view = page.getByRole('dialog', { name: 'Access keys' });
    await view.getByRole('button', { name: 'Create key' }).click();
    await expect(view.getByText(POLICY_MESSAGES.forEmpty)).toBeVisible();
    expect(await seriousViolations(page), `access keys form ${colorScheme}`).toEqual([]);
    await view.getByRole('form', { name: 'Create an access key' }).getByLabel('api').check();
    await view.getByRole('button', { name: 'Create key' }).click();
    await expect(view.getByRole('status', { name: 'New access key' })).toBeVisible();
    expect(await seriousViolations(page), `access keys with a new key ${colorScheme}`).toEqual([]);
    await view.getByRole('button', { name: 'Close' }).click();
  }
});
