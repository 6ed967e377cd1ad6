import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { expect, makeJwt, test } from '../fixtures/e2e-app.ts';

// `TW_SCREENSHOT_DIR=docs/screenshots npx playwright test screenshots` refreshes the README images;
// a normal run writes to test-results so the tracked files do not churn.
const OUT = path.resolve(process.env.TW_SCREENSHOT_DIR ?? 'test-results/screenshots');

test('screenshots of the list, detail, add dialog and lock screen in light and dark', async ({ app, page }) => {
  test.setTimeout(180_000);
  mkdirSync(OUT, { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  const seed = [
    { name: 'github', host: 'https://api.github.com', claims: { sub: 'octocat', iss: 'https://github.com', aud: 'api.github.com', scope: 'repo read:org workflow', exp: now + 6 * 3600 + 720 } },
    { name: 'stripe-test', host: 'https://api.stripe.com', claims: { sub: 'acct_1PZ', scope: 'charges:read', exp: now + 40 } },
    { name: 'internal-billing', host: 'https://billing.internal.example', claims: { sub: 'svc-billing', iss: 'https://sso.example', aud: ['billing', 'ledger'], scope: 'invoices:read invoices:write ledger:read customers:read', exp: now + 3 * 86400 } },
    { name: 'legacy-crm', host: 'https://crm.example.com', claims: { sub: 'integration', scope: 'contacts', exp: now - 2 * 3600 } },
    { name: 'grafana', host: 'https://grafana.example.net', claims: { sub: 'viewer', scope: 'dashboards:read', exp: now + 25 * 60 } },
  ];
  for (const s of seed) {
    await app.service.add({ kind: 'static', name: s.name, hosts: [s.host], token: makeJwt(s.claims, `sig-${s.name}`) });
  }
  await page.setViewportSize({ width: 1280, height: 760 });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.open();
    await expect(page.getByRole('listbox').getByRole('option')).toHaveCount(seed.length);
    await page.screenshot({ path: path.join(OUT, `list-${scheme}.png`) });

    await page.getByRole('option', { name: /internal-billing/ }).click();
    await expect(page.getByRole('complementary', { name: 'Credential details' }).getByRole('heading', { name: 'internal-billing' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, `detail-${scheme}.png`) });

    await page.getByRole('button', { name: 'Add credential' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a credential' });
    await dialog.getByLabel('Name').fill('My Token');
    await dialog.getByLabel('Bound hosts').fill('api.example.com');
    await dialog.getByRole('button', { name: 'Add credential' }).click();
    await expect(dialog).toContainText('Names are');
    await page.screenshot({ path: path.join(OUT, `add-dialog-${scheme}.png`) });
    await dialog.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: /^Proxy/ }).click();
    await expect(page.getByRole('dialog', { name: 'Proxy' })).toContainText('X-Tokenwarden-Key');
    await page.screenshot({ path: path.join(OUT, `proxy-${scheme}.png`) });
    await page.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByRole('heading', { name: 'Tokenwarden is locked' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, `lock-${scheme}.png`) });
    await app.service.unlock();
  }
  for (const f of ['list', 'detail', 'add-dialog', 'proxy', 'lock']) {
    for (const scheme of ['light', 'dark']) expect(existsSync(path.join(OUT, `${f}-${scheme}.png`))).toBe(true);
  }
});
