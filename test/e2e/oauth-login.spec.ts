import { expect, test } from '../fixtures/e2e-app.ts';
import { addOAuthLogin, approveDeviceCode, readDeviceCodeBanner, signInAtProvider, useE2eIdp } from '../fixtures/e2e-oauth.ts';

const idp = useE2eIdp();

test('device-code login from the add dialog: the banner shows the code, approval elsewhere makes the credential valid (O10)', async ({ app, page, browser }) => {
  test.setTimeout(120_000);
  await app.open();
  await addOAuthLogin(page, { name: 'tv', host: app.upstream.origin, issuer: idp.issuer, grant: 'device' });

  const { banner, code } = await readDeviceCodeBanner(page, idp.issuer);

  // The user approves "on another device": a separate browser context at the provider.
  await approveDeviceCode(browser, idp.issuer, code);

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
    // Like a real opener this returns at once; the sign-in runs while main waits for the redirect.
    drivers.push(signInAtProvider(browser, url));
  });
  await app.open();
  await addOAuthLogin(page, { name: 'web', host: app.upstream.origin, issuer: idp.issuer });

  await expect(page.getByText('Logged in web.')).toBeVisible({ timeout: 60_000 });
  await Promise.all(drivers);
  expect(opened).toHaveLength(1);
  expect(new URL(opened[0]!).searchParams.get('code_challenge_method')).toBe('S256');
  await expect(page.getByRole('listbox').getByRole('option', { name: /web/ })).toContainText('valid');
});
