import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../electron/core/errors.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET, startIdp, type IdpFixture } from '../../fixtures/idp-provider.ts';
import { harness } from '../../fixtures/idp-harness.ts';

let idp: IdpFixture;
beforeAll(async () => {
  idp = await startIdp();
});
afterAll(async () => {
  await idp.close();
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return err instanceof TokenwardenError ? err.code : `untyped:${String(err)}`;
  }
  return 'resolved';
}

describe('O4 discovery against oidc-provider', () => {
  it('O4 a configured issuer with a trailing slash does not match the real issuer and no token call is made', async () => {
    const h = harness();
    h.store.insert({ name: 'slash', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: `${idp.issuer}/`, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'client-credentials' } });
    expect(await codeOf(h.manager.login('slash'))).toBe('ERR_IDP');
    expect(h.counter.tokenCalls()).toHaveLength(0);
  });

  it('O4 the owner can withhold insecure loopback even when the credential asks for it', async () => {
    const h = harness({ allowInsecureLoopbackIssuer: () => false });
    h.store.insert({ name: 'cc', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: CONFIDENTIAL_SECRET, grant: 'client-credentials' } });
    expect(await codeOf(h.manager.login('cc'))).toBe('ERR_INVALID_INPUT');
    expect(h.counter.calls).toHaveLength(0);
  });
});
