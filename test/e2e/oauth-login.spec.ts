import { PUBLIC_CLIENT, startIdp, type IdpFixture } from '../fixtures/idp-provider.ts';
import { expect, test } from '../fixtures/e2e-app.ts';

let idp: IdpFixture;
test.beforeAll(async () => {
  idp = await startIdp();
});
test.afterAll(async () => {
  await idp.close();
});

test('device-code login from the add dialog: the banner shows the code, approval elsewhere makes the credential valid (O10)', async ({ app, page, browser }) => {
  test.setTimeout(120_000);
  await app.open();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByRole('tab', { name: 'OAuth login' }).click();
  await dialog.getByLabel('Name').fill('tv');
  await dialog.getByLabel('Bound hosts').fill(app.upstream.origin);
  await dialog.getByLabel('Allow plain http to loopback hosts (test servers)').check();
  await dialog.getByLabel('Issuer URL').fill(idp.issuer);
  await dialog.getByLabel('Client ID').fill(PUBLIC_CLIENT);
  await dialog.getByLabel('Grant').selectOption('device');
  await dialog.getByLabel('Scope (optional)').fill('openid offline_access');
  await dialog.getByRole('button', { name: 'Add and log in' }).click();

  const banner = page.getByRole('status').filter({ hasText: 'enter the code' });
  await expect(banner).toContainText(`${idp.issuer}/device`);
  const code = (await banner.locator('.user-code').textContent())!.trim();
  expect(code).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);

  // The user approves "on another device": a separate browser context at the provider.
  const other = await browser.newContext();
  try {
    const approve = await other.newPage();
    await approve.goto(`${idp.issuer}/device?user_code=${encodeURIComponent(code)}`, { waitUntil: 'domcontentloaded' });
    await Promise.all([approve.waitForURL(/\/interaction\//, { waitUntil: 'domcontentloaded' }), approve.click('button[autofocus]')]);
    await approve.fill('input[name=login]', 'bob');
    await approve.fill('input[name=password]', 'any-password');
    await Promise.all([approve.waitForLoadState('domcontentloaded'), approve.click('button[type=submit]')]);
    await approve.waitForSelector('button[type=submit]:has-text("Continue")');
    await Promise.all([approve.waitForURL((u) => !u.pathname.startsWith('/interaction/'), { waitUntil: 'domcontentloaded' }), approve.click('button[type=submit]')]);
  } finally {
    await other.close();
  }

  await expect(page.getByText('Logged in tv.')).toBeVisible({ timeout: 60_000 });
  await expect(banner).toBeHidden();
  await expect(page.getByRole('listbox').getByRole('option', { name: /tv/ })).toContainText('valid');
  const summary = (await app.service.list()).find((s) => s.name === 'tv')!;
  expect(summary.status).toBe('valid');
  expect(summary.tokenTail).toMatch(/^.{4}$/);
});

test('auth-code login from the add dialog: main opens the "system browser", the user signs in, the credential turns valid (O1)', async ({ app, page, browser }) => {
  test.setTimeout(120_000);
  const opened: string[] = [];
  const drivers: Promise<void>[] = [];
  app.setBrowserOpener(async (url) => {
    opened.push(url);
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    const context = await browser.newContext();
    await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
    const signIn = await context.newPage();
    // Like a real opener this returns at once; the sign-in runs while main waits for the redirect.
    drivers.push(
      (async () => {
        try {
          await signIn.goto(url, { waitUntil: 'domcontentloaded' });
          await signIn.fill('input[name=login]', 'alice');
          await signIn.fill('input[name=password]', 'any-password');
          await Promise.all([signIn.waitForURL(/\/interaction\//, { waitUntil: 'domcontentloaded' }), signIn.click('button[type=submit]')]);
          await Promise.all([signIn.waitForURL((u) => u.href.startsWith(redirectUri), { waitUntil: 'domcontentloaded' }), signIn.click('button[type=submit]')]);
        } finally {
          await context.close();
        }
      })(),
    );
  });
  await app.open();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByRole('tab', { name: 'OAuth login' }).click();
  await dialog.getByLabel('Name').fill('web');
  await dialog.getByLabel('Bound hosts').fill(app.upstream.origin);
  await dialog.getByLabel('Allow plain http to loopback hosts (test servers)').check();
  await dialog.getByLabel('Issuer URL').fill(idp.issuer);
  await dialog.getByLabel('Client ID').fill(PUBLIC_CLIENT);
  await dialog.getByLabel('Scope (optional)').fill('openid offline_access');
  await dialog.getByRole('button', { name: 'Add and log in' }).click();

  await expect(page.getByText('Logged in web.')).toBeVisible({ timeout: 60_000 });
  await Promise.all(drivers);
  expect(opened).toHaveLength(1);
  expect(new URL(opened[0]!).searchParams.get('code_challenge_method')).toBe('S256');
  await expect(page.getByRole('listbox').getByRole('option', { name: /web/ })).toContainText('valid');
});
