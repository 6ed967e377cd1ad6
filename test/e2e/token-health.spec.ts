import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { expect, test } from '../fixtures/e2e-app.ts';

test('the detail pane verifies a pasted JWT against its issuer only when asked, and shows the answer', async ({ app, page }) => {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  let issuer = '';
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    res.setHeader('content-type', 'application/json');
    if (req.url === '/.well-known/openid-configuration') res.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }));
    else res.end(JSON.stringify({ keys: [jwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const token = await new SignJWT({ scope: 'read' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).setIssuer(issuer).setSubject('svc').setExpirationTime('1h').sign(privateKey);
    await app.service.add({ kind: 'static', name: 'signed', hosts: ['https://api.example.com'], token });
    await app.open();
    await page.getByRole('option', { name: /signed/ }).click();
    const checks = page.getByRole('region', { name: 'Checks' });
    await expect(checks.getByRole('button', { name: 'Verify with the issuer' })).toBeVisible();
    expect(calls).toBe(0);
    await checks.getByRole('button', { name: 'Verify with the issuer' }).click();
    await expect(checks).toContainText('verified — The signature matches a key the issuer publishes.');
    expect(calls).toBe(2);
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
