import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, makeJwt, test } from '../fixtures/e2e-app.ts';

const CANARY = 'CANARYTOKEN-7f3a9c1e-do-not-leak';

async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test('axe: list, detail, add dialog, proxy panel and lock screen have 0 serious or critical violations (light and dark)', async ({ app, page }) => {
  test.setTimeout(180_000);
  await app.service.add({
    kind: 'static',
    name: 'github',
    hosts: ['https://api.github.com'],
    token: makeJwt({ sub: 'octocat', scope: 'repo read:org', exp: Math.floor(Date.now() / 1000) + 3600, aud: 'api' }),
  });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    await app.open();
    await page.getByRole('option', { name: /github/ }).click();
    await expect(page.getByRole('complementary', { name: 'Credential details' }).getByRole('heading', { name: 'github' })).toBeVisible();
    expect(await seriousViolations(page), `list+detail ${colorScheme}`).toEqual([]);

    await page.getByRole('button', { name: 'Add credential' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Add credential' }).click();
    await expect(page.getByRole('dialog')).toContainText('Names are');
    expect(await seriousViolations(page), `add dialog with errors ${colorScheme}`).toEqual([]);
    await page.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: /^Proxy/ }).click();
    await expect(page.getByRole('dialog', { name: 'Proxy' })).toContainText('X-Tokenwarden-Key');
    expect(await seriousViolations(page), `proxy panel ${colorScheme}`).toEqual([]);
    await page.getByRole('button', { name: 'Close' }).click();

    await page.getByRole('button', { name: 'Lock' }).click();
    await expect(page.getByRole('heading', { name: 'Tokenwarden is locked' })).toBeVisible();
    expect(await seriousViolations(page), `lock screen ${colorScheme}`).toEqual([]);
    await app.service.unlock();
  }
});

test('E5 heap snapshot canary: the token is never in the renderer heap, though its name and tail are', async ({ app, page }) => {
  const token = makeJwt({ sub: 'canary', exp: Math.floor(Date.now() / 1000) + 3600, scope: 'canary:read' }, CANARY);
  await app.service.add({ kind: 'static', name: 'canary', hosts: ['https://api.example.com'], token });
  await app.open();
  await page.getByRole('option', { name: /canary/ }).click();
  await page.getByRole('button', { name: 'Copy token' }).click();
  await expect(page.getByText('Token for canary copied.')).toBeVisible();
  await page.getByRole('button', { name: /^Proxy/ }).click();
  await page.getByRole('button', { name: 'Copy proxy key' }).click();
  await expect(page.getByText('Proxy key copied.')).toBeVisible();
  const proxyKey = await app.service.proxyKey();

  const cdp = await page.context().newCDPSession(page);
  const chunks: string[] = [];
  cdp.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  const snapshot = chunks.join('');
  expect(snapshot.length).toBeGreaterThan(100_000);
  // Positive control: the search would find strings the renderer really holds.
  expect(snapshot).toContain('canary:read');
  expect(snapshot).not.toContain(CANARY);
  expect(snapshot).not.toContain(token);
  expect(snapshot).not.toContain(proxyKey);
  expect(app.clipboard.writes).toEqual([token, proxyKey]);
});

test('E3 the CSP blocks inline script and renderer network requests', async ({ app, page }) => {
  app.expectCspViolations();
  await app.open();
  const outcome = await page.evaluate(async () => {
    const violations: string[] = [];
    document.addEventListener('securitypolicyviolation', (e) => violations.push(e.violatedDirective));
    const s = document.createElement('script');
    s.textContent = 'window.__inlineRan = true';
    document.body.appendChild(s);
    let fetched = 'resolved';
    try {
      await fetch('https://example.com/');
    } catch {
      fetched = 'rejected';
    }
    await new Promise((r) => setTimeout(r, 0));
    return { ran: (window as unknown as { __inlineRan?: boolean }).__inlineRan === true, violations, fetched };
  });
  expect(outcome.ran).toBe(false);
  expect(outcome.fetched).toBe('rejected');
  expect(outcome.violations.some((v) => v.startsWith('script-src'))).toBe(true);
  expect(outcome.violations.some((v) => v.startsWith('connect-src'))).toBe(true);
});

test('E2 the protocol handler refuses traversal from the page origin', async ({ app, page }) => {
  await app.open();
  for (const p of ['/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fpackage.json']) {
    const res = await page.request.get(`${app.origin}${p}`);
    expect([403, 404]).toContain(res.status());
    expect(await res.text()).not.toContain('root:');
  }
});
