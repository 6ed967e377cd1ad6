import { expect, test } from '../fixtures/e2e-app.ts';
import { MESSAGES } from '../../shared/human-messages.ts';

test('invalid input is shown inline, next to each field, in the same words as the CLI (shared/human-messages.ts), and nothing is added', async ({ app, page }) => {
  await app.open();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByLabel('Name').fill('Bad Name/x');
  await dialog.getByLabel('Bound hosts').fill('ftp://files.example.com/path');
  await dialog.getByLabel('Token', { exact: true }).fill('has a space');
  await dialog.getByRole('button', { name: 'Add credential' }).click();

  await expect(dialog.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog).toContainText(MESSAGES.nameRule);
  await expect(dialog).toContainText(MESSAGES.notAnOrigin('ftp://files.example.com/path'));
  await expect(dialog).toContainText(MESSAGES.tokenNotPrintable);

  await dialog.getByRole('tab', { name: 'OAuth login' }).click();
  await dialog.getByLabel('Name').fill('idp');
  await dialog.getByLabel('Bound hosts').fill('https://api.example.com');
  await dialog.getByLabel('Issuer URL').fill('not a url');
  await dialog.getByLabel('Grant').selectOption('client-credentials');
  await dialog.getByLabel('Client ID').fill('client');
  await dialog.getByRole('button', { name: 'Add and log in' }).click();
  await expect(dialog).toContainText(MESSAGES.issuerNotUrl);

  await dialog.getByRole('tab', { name: 'Command' }).click();
  await dialog.getByLabel('Name').fill('cmd');
  await dialog.getByLabel('Bound hosts').fill('https://api.example.com');
  await dialog.getByRole('button', { name: 'Add credential' }).click();
  await expect(dialog).toContainText(MESSAGES.execEmpty);
  await expect(dialog).not.toContainText('Invalid input');

  expect(await app.service.list()).toEqual([]);
});

test('E5 a call that bypasses the form is still refused by the contract schemas in the binding', async ({ app, page }) => {
  await app.open();
  const result = await page.evaluate(() =>
    (window as unknown as { tokenwarden: { add(i: unknown): Promise<unknown> } }).tokenwarden.add({ kind: 'static', name: 'x', hosts: ['http://evil.example'], token: 'abc', extra: 1 }),
  );
  expect(result).toMatchObject({ ok: false, error: { code: 'ERR_INVALID_INPUT' } });
  expect(await app.service.list()).toEqual([]);
});
