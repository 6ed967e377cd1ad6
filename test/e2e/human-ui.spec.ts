import { expect, makeJwt, test } from '../fixtures/e2e-app.ts';
import { expiryText } from '../../shared/relative-time.ts';

test('the hosts column shows the scheme, full origins and scopes on hover, and the expiry in the CLI\'s units', async ({ app, page }) => {
  const exp = Math.floor(Date.now() / 1000) + 7200;
  await app.service.add({
    kind: 'static',
    name: 'multi',
    hosts: ['https://api.example.com', app.upstream.origin],
    allowInsecureLoopback: true,
    token: makeJwt({ sub: 'multi', scope: 'repo read:org write:packages admin:public_key', exp }),
  });
  await app.open();
  const row = page.getByRole('option').filter({ hasText: 'multi' });
  const hosts = row.locator('.cell-hosts');
  await expect(hosts).toContainText('https://api.example.com');
  await expect(hosts).toHaveAttribute('title', `https://api.example.com\n${app.upstream.origin}`);
  await expect(row.locator('.cell-scopes')).toHaveAttribute('title', 'repo read:org write:packages admin:public_key');
  // The same formatter as `tkw list`: "in 1h 59m" style, from shared/relative-time.ts.
  await expect(row.locator('.cell-expiry')).toHaveText(/^in 1h 5\dm$/);
  expect(expiryText(new Date(exp * 1000).toISOString(), Date.now())).toMatch(/^in 1h 5\dm$/);
  await row.click();
  const details = page.getByRole('complementary', { name: 'Credential details' });
  await expect(details.getByText('Token (last 4 characters)')).toBeVisible();
  await expect(details.getByText('Token ends in')).toHaveCount(0);
});

test('the add dialog footer never covers the field being edited', async ({ app, page }) => {
  await page.setViewportSize({ width: 900, height: 520 });
  await app.open();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByRole('tab', { name: 'OAuth login' }).click();
  const footer = dialog.locator('.modal-actions');
  for (const label of ['Issuer URL', 'Client ID', 'Scope (optional)', 'Audience (optional)']) {
    const field = dialog.getByLabel(label);
    await field.focus();
    await page.keyboard.type('x');
    const [f, a] = [await field.boundingBox(), await footer.boundingBox()];
    expect(f && a, label).toBeTruthy();
    expect(f!.y + f!.height, label).toBeLessThanOrEqual(a!.y + 1);
  }
});
