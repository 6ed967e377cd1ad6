import { describe, expect, it } from 'vitest';
import { codeOf } from '../../fixtures/idp-errors.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { harness } from '../../fixtures/idp-harness.ts';

const idp = useIdp();

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
