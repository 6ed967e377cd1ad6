import { expect, makeJwt, startRendererServer, test } from '../fixtures/e2e-app.ts';

test('sorts by expiry first, searches names/hosts/scopes, and moves the selection with the keyboard', async ({ app, page }) => {
  const now = Math.floor(Date.now() / 1000);
  const add = (name: string, host: string, scope: string, exp: number | null) =>
    app.service.add({ kind: 'static', name, hosts: [host], token: makeJwt({ sub: name, scope, ...(exp ? { exp } : {}) }) });
  await add('later', 'https://later.example.com', 'a:read', now + 7200);
  await add('never', 'https://never.example.com', 'b:read', null);
  await add('soon', 'https://soon.example.com', 'c:write', now + 600);
  await app.open();
  const list = page.getByRole('listbox');
  const names = () => list.getByRole('option').locator('.name').allTextContents();
  await expect.poll(names).toEqual(['soon', 'later', 'never']);

  await page.getByLabel('Sort by').selectOption('name');
  await expect.poll(names).toEqual(['later', 'never', 'soon']);
  await page.getByLabel('Sort by').selectOption('expiry');

  await page.getByLabel('Search credentials').fill('c:write');
  await expect.poll(names).toEqual(['soon']);
  await page.getByLabel('Search credentials').fill('never.example');
  await expect.poll(names).toEqual(['never']);
  await page.getByLabel('Search credentials').fill('zzz');
  await expect(page.getByText('No credential matches “zzz”')).toBeVisible();
  await page.getByLabel('Search credentials').fill('');

  await list.focus();
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('option', { selected: true })).toContainText('soon');
  await page.keyboard.press('ArrowDown');
  await expect(list.getByRole('option', { selected: true })).toContainText('later');
  await expect(page.getByRole('complementary', { name: 'Credential details' }).getByRole('heading', { name: 'later' })).toBeVisible();
  await page.keyboard.press('End');
  await expect(list.getByRole('option', { selected: true })).toContainText('never');
  await expect(list).toHaveAttribute('aria-activedescendant', 'row-never');
  await page.keyboard.press('Home');
  await expect(list.getByRole('option', { selected: true })).toContainText('soon');
});

test('E5 a frame from another origin gets ERR_FORBIDDEN from the bridge and the service is not called', async ({ app, page }) => {
  await app.open();
  let listCalls = 0;
  const original = app.inner.list.bind(app.inner);
  app.inner.list = async () => {
    listCalls += 1;
    return original();
  };
  const foreign = await startRendererServer();
  try {
    // Same page, same bindings, but now on a different origin (another port): like a navigated or framed page.
    await page.goto(`${foreign.origin}/index.html`);
    const result = await page.evaluate(() => (window as unknown as { tokenwarden: { list(): Promise<unknown> } }).tokenwarden.list());
    expect(result).toMatchObject({ ok: false, error: { code: 'ERR_FORBIDDEN' } });
    await expect(page.getByRole('alert')).toContainText('The request was refused for safety.');
    expect(listCalls).toBe(0);
  } finally {
    await foreign.close();
  }
});
