import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../fixtures/idp-provider.ts';
import { expect, test } from '../fixtures/e2e-app.ts';
import { useE2eIdp } from '../fixtures/e2e-oauth.ts';

const idp = useE2eIdp();

test('rotate and revoke a real oidc-provider token from the UI: upstream sees the new token, then none (O11)', async ({ app, page }) => {
  test.setTimeout(120_000);
  await app.open();
  const info = await app.service.proxyInfo();
  const key = await app.service.proxyKey();
  const callUpstream = () => fetch(`${info.url}/idp-api/data`, { headers: { 'X-Tokenwarden-Key': key } });

  // Add through the OAuth tab: import a refresh token minted by the provider.
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByRole('tab', { name: 'OAuth login' }).click();
  await dialog.getByLabel('Name').fill('idp-api');
  await dialog.getByLabel('Bound hosts').fill(app.upstream.origin);
  await dialog.getByLabel('Allow plain http to loopback hosts (test servers)').check();
  await dialog.getByLabel('Issuer URL').fill(idp.issuer);
  await dialog.getByLabel('Client ID').fill(CONFIDENTIAL_CLIENT);
  await dialog.getByLabel('Client secret (optional)').fill(CONFIDENTIAL_SECRET);
  await dialog.getByLabel('Grant').selectOption('refresh-token');
  await dialog.getByLabel('Refresh token').fill(await idp.mintRefreshToken());
  await dialog.getByRole('button', { name: 'Add and log in' }).click();
  await expect(dialog).toBeHidden();
  const row = page.getByRole('listbox').getByRole('option', { name: /idp-api/ });
  await expect(row).toContainText('valid');

  expect((await callUpstream()).status).toBe(200);
  const first = app.upstream.calls.at(-1)!.headers.authorization!;
  expect(first).toMatch(/^Bearer \S+$/);
  expect((await idp.introspect(first.slice(7))).active).toBe(true);

  // Rotate: a new token from the IdP. With a refresh grant the old access token is deliberately not
  // revoked (oidc-provider would end the whole grant); it is simply never injected again.
  await row.click();
  await page.getByRole('button', { name: 'Rotate' }).click();
  const rotate = page.getByRole('dialog', { name: 'Rotate idp-api' });
  await expect(rotate).toContainText('force a new token from the identity provider');
  await expect(rotate).toContainText('not revoked');
  await rotate.getByRole('button', { name: 'Rotate' }).click();
  await expect(page.getByText('Rotated idp-api.')).toBeVisible();
  expect((await callUpstream()).status).toBe(200);
  const second = app.upstream.calls.at(-1)!.headers.authorization!;
  expect(second).not.toBe(first);
  expect((await idp.introspect(second.slice(7))).active).toBe(true);
  expect(app.upstream.calls.filter((c) => c.headers.authorization === first)).toHaveLength(1);

  // Revoke: the dialog states the RFC 7009 outcomes; the result is reported as confirmed.
  await page.getByRole('button', { name: 'Revoke' }).click();
  const revoke = page.getByRole('dialog', { name: 'Revoke idp-api?' });
  await expect(revoke).toContainText('RFC 7009');
  await expect(revoke).toContainText('not confirmed');
  await revoke.getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('complementary', { name: 'Credential details' }).getByRole('status')).toContainText('Revocation confirmed');
  await expect(row).toContainText('revoked');
  expect((await idp.introspect(second.slice(7))).active).toBe(false);

  const callsBefore = app.upstream.calls.length;
  const after = await callUpstream();
  expect(after.status).toBeGreaterThanOrEqual(400);
  expect(app.upstream.calls.length).toBe(callsBefore);
});
