import { describe, expect, it } from 'vitest';
import type { LoginPrompt } from '../../../shared/model.ts';
import { approveDeviceCodeOnPage } from '../../fixtures/idp-pages.ts';
import { PUBLIC_CLIENT } from '../../fixtures/idp-provider.ts';
import { useChromium, useIdp } from '../../fixtures/idp-suite.ts';
import { harness } from '../../fixtures/idp-harness.ts';

const idp = useIdp();
const browser = useChromium();

/** What the user does on their phone or laptop: open the link, confirm the code, sign in, consent. */
async function approveOnAnotherDevice(prompt: LoginPrompt): Promise<void> {
  const context = await browser().newContext();
  await context.route((u) => u.hostname !== '127.0.0.1', (route) => route.abort());
  const page = await context.newPage();
  try {
    await page.goto(prompt.verificationUriComplete!, { waitUntil: 'domcontentloaded' });
    expect(await page.textContent('code')).toBe(prompt.userCode);
    await approveDeviceCodeOnPage(page);
  } finally {
    await context.close();
  }
}

describe('device flow against oidc-provider', () => {
  it('O10 emits a login prompt with the user code and stores tokens once the user approves elsewhere', async () => {
    const prompts: LoginPrompt[] = [];
    let approval: Promise<void> | undefined;
    const h = harness({
      onEvent: (event) => {
        if (event.type !== 'login') return;
        prompts.push(event.prompt);
        approval = approveOnAnotherDevice(event.prompt);
      },
    });
    h.store.insert({ name: 'tv', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: PUBLIC_CLIENT, grant: 'device', scope: 'openid offline_access' } });
    await h.manager.login('tv');
    await approval;
    expect(prompts).toHaveLength(1);
    expect(prompts[0]!.userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
    expect(prompts[0]!.verificationUri).toBe(`${idp.issuer}/device`);
    const tokens = h.store.disk.get('tv')!.tokens!;
    expect(tokens.refreshToken).toBeTruthy();
    expect((await idp.introspect(tokens.accessToken)).active).toBe(true);
    expect(h.counter.tokenCalls().length).toBeGreaterThanOrEqual(1);
  }, 60_000);
});
