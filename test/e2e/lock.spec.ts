import { expect, PASSPHRASE, test } from '../fixtures/e2e-app.ts';

test('S6 lock and unlock: the lock screen appears, the proxy answers 423 with 0 upstream calls, the passphrase unlocks', async ({ app, page }) => {
  await app.service.add({ kind: 'static', name: 'local', hosts: [app.upstream.origin], allowInsecureLoopback: true, token: 'opaque-token-value-1234' });
  await app.open();
  await expect(page.getByRole('option', { name: /local/ })).toBeVisible();
  const info = await app.service.proxyInfo();
  const key = await app.service.proxyKey();

  await page.getByRole('button', { name: 'Lock' }).click();
  await expect(page.getByRole('heading', { name: 'Tokenwarden is locked' })).toBeVisible();
  const locked = await fetch(`${info.url}/local/ping`, { headers: { 'X-Tokenwarden-Key': key } });
  expect(locked.status).toBe(423);
  expect(app.upstream.calls).toHaveLength(0);

  await page.getByLabel('Passphrase').fill('not the passphrase');
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('alert')).toContainText('That passphrase is not correct');

  await page.getByLabel('Passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Unlock' }).click();
  await expect(page.getByRole('option', { name: /local/ })).toBeVisible();
  const unlocked = await fetch(`${info.url}/local/ping`, { headers: { 'X-Tokenwarden-Key': key } });
  expect(unlocked.status).toBe(200);
  expect(app.upstream.calls).toHaveLength(1);
  expect(app.upstream.calls[0]!.headers.authorization).toBe('Bearer opaque-token-value-1234');
});
