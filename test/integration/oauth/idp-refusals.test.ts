/** What the user reads when oidc-provider refuses a token request: its own error code and what to check, per grant. */
import { describe, expect, it } from 'vitest';
import { TokenwardenError } from '../../../electron/core/base/errors.ts';
import { addRefreshImport, harness } from '../../fixtures/idp-harness.ts';
import { CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';

const idp = useIdp();
const WRONG_SECRET = 'not-the-registered-secret-9876543210';
const CHECK = 'check the client id and client secret registered at the identity provider';

async function failure(promise: Promise<unknown>): Promise<TokenwardenError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(TokenwardenError);
  return err as TokenwardenError;
}

describe('invalid_client in the identity provider\'s words', () => {
  it('client credentials with a wrong secret (a WWW-Authenticate challenge) say invalid_client and what to check', async () => {
    const h = harness();
    h.store.insert({ name: 'cc', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: WRONG_SECRET, grant: 'client-credentials' } });
    const err = await failure(h.manager.login('cc'));
    expect(err.code).toBe('ERR_IDP');
    expect(err.message).toMatch(/^Login failed: identity provider refused: invalid_client \(client authentication failed\); /);
    expect(err.message).toContain(CHECK);
    expect(err.message).not.toMatch(/WWW-Authenticate|challenge/);
    expect(err.message).not.toContain(WRONG_SECRET);
  });

  it('an unknown client id says invalid_client too', async () => {
    const h = harness();
    h.store.insert({ name: 'ghost', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: 'no-such-client', clientSecret: WRONG_SECRET, grant: 'client-credentials' } });
    const err = await failure(h.manager.login('ghost'));
    expect(err.message).toMatch(/identity provider refused: invalid_client/);
    expect(err.message).toContain(CHECK);
  });

  it('a refresh with a wrong secret keeps the tokens, and its alert and error say invalid_client', async () => {
    const h = harness();
    addRefreshImport(h, idp, await idp.mintRefreshToken(), 'rt');
    await h.manager.ensureFresh('rt');
    h.store.insert({ ...h.store.get('rt')!, name: 'rt2', oauth: { ...h.store.get('rt')!.oauth!, clientSecret: WRONG_SECRET } });
    const err = await failure(h.manager.ensureFresh('rt2', { force: true }));
    expect(err.code).toBe('ERR_IDP');
    expect(err.message).toMatch(/^Refreshing rt2 failed: identity provider refused: invalid_client \(client authentication failed\); check the client id/);
    expect(h.store.get('rt2')!.state).toBe('refresh-failed');
    expect(h.store.get('rt2')!.lastError?.message).toContain('invalid_client');
    const alert = h.events.find((e) => e.type === 'alert' && e.name === 'rt2');
    expect(alert && 'message' in alert ? alert.message : '').toContain(CHECK);
  });

  it('a device login with an unknown client id says invalid_client at the device endpoint', async () => {
    const h = harness();
    h.store.insert({ name: 'tv', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: 'no-such-device-client', grant: 'device' } });
    const err = await failure(h.manager.login('tv'));
    expect(err.message).toMatch(/^Login failed: identity provider refused: invalid_client/);
    expect(err.message).toContain(CHECK);
  });

  it('a device login with a wrong secret says invalid_client', async () => {
    const h = harness();
    h.store.insert({ name: 'tv2', kind: 'oauth', allowInsecureLoopback: true, oauth: { issuer: idp.issuer, clientId: CONFIDENTIAL_CLIENT, clientSecret: `${CONFIDENTIAL_SECRET}-wrong`, grant: 'device' } });
    const err = await failure(h.manager.login('tv2'));
    expect(err.message).toMatch(/^Login failed: identity provider refused: invalid_client \(client authentication failed\)/);
  });
});
