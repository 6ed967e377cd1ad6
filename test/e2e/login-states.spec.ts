import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../fixtures/idp-provider.ts';
import { expect, makeJwt, test } from '../fixtures/e2e-app.ts';
import { deferred } from '../fixtures/deferred.ts';
import { addOAuthLogin, approveDeviceCode, readDeviceCodeBanner, signInAtProvider, useE2eIdp } from '../fixtures/e2e-oauth.ts';

// Real states against a real oidc-provider, screenshotted in light and dark. Like screenshots.spec.ts, the
// PNGs go to docs/screenshots only with TW_SCREENSHOT_DIR=docs/screenshots, so a normal run does not churn them.
const OUT = path.resolve(process.env.TW_SCREENSHOT_DIR ?? 'test-results/screenshots');

const idp = useE2eIdp();

test('screenshots of the expiring, needs-login, auth-code mid-login and device-code states in light and dark (O1 O10)', async ({ app, page, browser }) => {
  test.setTimeout(240_000);
  mkdirSync(OUT, { recursive: true });
  const now = Math.floor(Date.now() / 1000);
  // Context rows, plus a static token 8 minutes from expiry: it cannot refresh itself, so it is amber `expiring`.
  await app.service.add({ kind: 'static', name: 'github', hosts: ['https://api.github.com'], token: makeJwt({ sub: 'octocat', scope: 'repo read:org', exp: now + 6 * 3600 }, 'sig-github') });
  await app.service.add({ kind: 'static', name: 'deploy-bot', hosts: ['https://deploy.example.com'], token: makeJwt({ sub: 'deployer', scope: 'deploy', exp: now + 8 * 60 + 30 }, 'sig-deploy') });
  // An imported refresh token whose grant the provider then revokes (replaying the rotated-away original
  // revokes the chain, O7): the next refresh gets a real invalid_grant and the credential drops to needs-login.
  const original = await idp.mintRefreshToken(CONFIDENTIAL_CLIENT);
  await app.service.add({
    kind: 'oauth',
    name: 'crm-sync',
    hosts: [app.upstream.origin],
    allowInsecureLoopback: true,
    issuer: idp.issuer,
    clientId: CONFIDENTIAL_CLIENT,
    clientSecret: CONFIDENTIAL_SECRET,
    grant: 'refresh-token',
    refreshToken: original,
  });
  await idp.refreshDirect(original, CONFIDENTIAL_CLIENT);
  await expect(app.service.refresh('crm-sync')).rejects.toThrow(/invalid_grant|log in/);
  expect((await app.service.list()).find((s) => s.name === 'crm-sync')!.status).toBe('needs-login');

  await page.setViewportSize({ width: 1280, height: 760 });
  const detail = page.getByRole('complementary', { name: 'Credential details' });
  const row = (name: string) => page.getByRole('listbox').getByRole('option', { name: new RegExp(name) });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await app.open();

    // Expiring: the badge says so, and the pane shows the expiry like the CLI ("in 8m 12s"), not "Token ends in".
    await row('deploy-bot').click();
    await expect(detail.getByRole('heading', { name: 'deploy-bot' })).toBeVisible();
    await expect(detail.locator('.detail-head .badge')).toHaveText('expiring');
    await expect(row('deploy-bot').locator('.badge')).toHaveText('expiring');
    await expect(detail).not.toContainText('Token ends in');
    await expect(detail.locator('dt', { hasText: 'Expires' }).locator('+ dd')).toContainText(/^in [78]m \d{1,2}s/);
    await expect(detail.locator('dt', { hasText: 'Token (last 4 characters)' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, `expiring-${scheme}.png`) });

    // Needs login after the provider's invalid_grant: badge, the error, and a Log in action.
    await row('crm-sync').click();
    await expect(detail.locator('.detail-head .badge')).toHaveText('needs login');
    await expect(detail.getByRole('alert')).toContainText('Last error');
    await expect(detail.getByRole('button', { name: 'Log in' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, `needs-login-${scheme}.png`) });

    // Auth-code login in progress: main has opened the "system browser" at the provider's sign-in page
    // and waits for the redirect; the sign-in is held until the screenshot is taken.
    const { promise: held, resolve: release } = deferred();
    const { promise: openedUrl, resolve: opened } = deferred<string>();
    let signedIn: Promise<void> = Promise.resolve();
    app.setBrowserOpener(async (url) => {
      opened(url);
      signedIn = signInAtProvider(browser, url, held);
    });
    await addOAuthLogin(page, { name: 'web', host: app.upstream.origin, issuer: idp.issuer, grant: 'auth-code' });
    expect(new URL(await openedUrl).searchParams.get('code_challenge_method')).toBe('S256');
    await expect(page.getByText('Added web.')).toBeVisible();
    await expect(detail.getByRole('heading', { name: 'web' })).toBeVisible();
    await expect(row('web').locator('.badge')).toHaveText('needs login');
    await expect(detail).toContainText('no token stored');
    await page.screenshot({ path: path.join(OUT, `oauth-login-${scheme}.png`) });
    release();
    await expect(page.getByText('Logged in web.')).toBeVisible({ timeout: 60_000 });
    await signedIn;
    await expect(row('web').locator('.badge')).toHaveText('valid');

    // Device code: the banner shows the provider's user code until it is approved elsewhere.
    await app.open();
    await addOAuthLogin(page, { name: 'tv', host: app.upstream.origin, issuer: idp.issuer, grant: 'device' });
    const { banner, code } = await readDeviceCodeBanner(page, idp.issuer);
    await expect(row('tv').locator('.badge')).toHaveText('needs login');
    await page.screenshot({ path: path.join(OUT, `device-code-${scheme}.png`) });
    await approveDeviceCode(browser, idp.issuer, code);
    await expect(page.getByText('Logged in tv.')).toBeVisible({ timeout: 60_000 });
    await expect(banner).toBeHidden();

    // The next scheme starts from the same rows.
    await app.service.remove('web');
    await app.service.remove('tv');
  }
  for (const f of ['expiring', 'needs-login', 'oauth-login', 'device-code']) {
    for (const scheme of ['light', 'dark']) expect(existsSync(path.join(OUT, `${f}-${scheme}.png`))).toBe(true);
  }
});
