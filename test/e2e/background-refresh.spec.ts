import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../fixtures/idp-provider.ts';
import { expect, test } from '../fixtures/e2e-app.ts';
import { useE2eIdp } from '../fixtures/e2e-oauth.ts';

// 6-second tokens: the owner refreshes each one in the background about 1.2 s before it expires.
const idp = useE2eIdp({ clientCredentialsTtl: 6 });

test('a background refresh updates the row with no user action: change events come from the store', async ({ app, page }) => {
  test.setTimeout(60_000);
  await app.service.add({
    kind: 'oauth',
    name: 'bot',
    hosts: [app.upstream.origin],
    allowInsecureLoopback: true,
    issuer: idp.issuer,
    clientId: CONFIDENTIAL_CLIENT,
    clientSecret: CONFIDENTIAL_SECRET,
    grant: 'client-credentials',
  });
  await app.open();
  const expiry = page.getByRole('listbox').getByRole('option', { name: /bot/ }).locator('.cell-expiry');
  const first = await expiry.getAttribute('title');
  expect(Date.parse(first!)).toBeGreaterThan(Date.now());
  // Nobody clicks, reloads or calls the API from here on: only the owner's refresh timer writes the vault.
  await expect(expiry).not.toHaveAttribute('title', first!, { timeout: 20_000 });
  const second = await expiry.getAttribute('title');
  expect(Date.parse(second!)).toBeGreaterThan(Date.parse(first!));
  const [summary] = await app.service.list();
  expect(summary!.expiresAt).toBe(second);
});
