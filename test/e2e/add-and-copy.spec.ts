import { expect, makeJwt, test } from '../fixtures/e2e-app.ts';

test('adds a pasted JWT: it appears with the right expiry and scopes', async ({ app, page }) => {
  await app.open();
  await expect(page.getByRole('heading', { name: 'No credentials yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  const exp = Math.floor(Date.now() / 1000) + 2 * 3600 + 90;
  const jwt = makeJwt({ sub: 'octocat', iss: 'https://issuer.example', aud: 'api', scope: 'repo read:org', exp });
  await dialog.getByLabel('Name').fill('github');
  await dialog.getByLabel('Bound hosts').fill('https://api.github.com');
  await dialog.getByLabel('Token', { exact: true }).fill(jwt);
  await dialog.getByRole('button', { name: 'Add credential' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('option', { name: /github/ });
  await expect(row).toBeVisible();
  await expect(row).toContainText('api.github.com');
  await expect(row.locator('.chip')).toHaveText(['repo', 'read:org']);
  await expect(row).toContainText(/in 2h 1m|in 2h 0m/);
  await expect(row).toContainText('valid');
  // The vault (not the page) holds the token, with the expiry from the JWT.
  const summary = (await app.service.list())[0]!;
  expect(Date.parse(summary.expiresAt!)).toBe(exp * 1000);
  expect(summary.scopes).toEqual(['repo', 'read:org']);

  const detail = page.getByRole('complementary', { name: 'Credential details' });
  await expect(detail.getByRole('heading', { name: 'github' })).toBeVisible();
  await expect(detail).toContainText('octocat');
  await expect(detail).toContainText(`…${jwt.slice(-4)}`);
});

test('S5 copy puts the token on the clipboard in main and shows the auto-clear countdown', async ({ app, page }) => {
  const token = makeJwt({ sub: 'svc', exp: Math.floor(Date.now() / 1000) + 3600, scope: 'read' }, 'copy-canary-sig');
  await app.service.add({ kind: 'static', name: 'svc', hosts: ['https://api.example.com'], token });
  await app.open();
  await page.getByRole('option', { name: /svc/ }).click();
  await page.getByRole('button', { name: 'Copy token' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Token for svc copied.' })).toBeVisible();
  await expect(page.getByText(/clears in \d+s/)).toBeVisible();
  expect(app.clipboard.writes).toEqual([token]);
  // The renderer saw only the tail, never the token.
  expect(await page.content()).not.toContain(token);
});
