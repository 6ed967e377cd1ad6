import { chromium, type Browser } from 'playwright-core';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leakedTokens, startHarness, type ProxyHarness } from '../../fixtures/proxy-harness.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let h: ProxyHarness;
let browser: Browser;

beforeAll(async () => {
  h = await startHarness();
  h.backend.add({ name: 'api', hosts: [h.upstream.origin], allowInsecureLoopback: true });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // DNS rebinding: the attacker's name now resolves to loopback.
      '--host-resolver-rules=MAP rebind.test 127.0.0.1',
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await h.close();
  expect(leakedTokens(h.logs, h.backend.allTokens())).toEqual([]);
});

/** Serves `html` at `pageUrl` from inside the browser (no server needed for the attacker). */
async function attackerPage(pageUrl: string, html: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.route(pageUrl, (route) => route.fulfill({ status: 200, contentType: 'text/html', body: html }));
  await page.goto(pageUrl);
  return { page, context };
}

describe.skipIf(!existsSync(CHROMIUM))('P4 browser CSRF and P2 DNS rebinding, in Debian Chromium', () => {
  it('P4 a page on http://attacker.test doing fetch(no-cors) POST and GET to the proxy causes 0 upstream calls', async () => {
    const { page, context } = await attackerPage('http://attacker.test/', '<!doctype html><title>attacker</title>');
    const outcomes = await page.evaluate(async (port) => {
      const results: string[] = [];
      for (const init of [{ method: 'POST', mode: 'no-cors', body: 'x=1' }, { method: 'GET', mode: 'no-cors' }] as RequestInit[]) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/api/steal`, init);
          results.push(`opaque:${r.type}`);
        } catch (err) {
          results.push(`blocked:${(err as Error).name}`);
        }
      }
      return results;
    }, h.proxy.port);
    await context.close();
    // Whatever Chromium did (opaque response or a Private Network Access block), nothing reached upstream.
    expect(outcomes).toHaveLength(2);
    expect(h.upstream.calls).toHaveLength(0);
  }, 60_000);

  it('P4 a cross-site form POST to the gateway causes 0 upstream calls', async () => {
    const html = `<!doctype html><form id=f method=POST action="http://127.0.0.1:${h.proxy.port}/api/transfer"><input name=a value=1></form>`;
    const { page, context } = await attackerPage('http://attacker.test/form', html);
    const response = await Promise.all([page.waitForNavigation({ waitUntil: 'commit' }).catch(() => null), page.evaluate(() => (document.getElementById('f') as HTMLFormElement).submit())]).then(([nav]) => nav);
    const status = response?.status() ?? 0;
    await context.close();
    expect(h.upstream.calls).toHaveLength(0);
    // When the navigation reached the proxy, it was refused by a guard; it was never a success.
    expect(status === 0 || status >= 400).toBe(true);
  }, 60_000);

  it('P2 a DNS-rebinding name (rebind.test -> 127.0.0.1) reaching the proxy gets 421 and 0 upstream calls', async () => {
    const origin = `http://rebind.test:${h.proxy.port}`;
    const context = await browser.newContext();
    const page = await context.newPage();
    // Chromium's Private Network Access already stops a rebinding page's fetch(); a top-level load is not
    // subject to it, so it shows the proxy's own answer to a request whose Host is the attacker's name.
    const response = await page.goto(`${origin}/api/me`);
    const body = (await response?.text()) ?? '';
    const cors = response?.headers()['access-control-allow-origin'];
    await context.close();
    expect(response?.status()).toBe(421);
    expect(body).toContain('ERR_BAD_HOST');
    expect(cors).toBeUndefined();
    expect(h.upstream.calls).toHaveLength(0);
  }, 60_000);
});
