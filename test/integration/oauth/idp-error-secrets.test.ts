/** An identity provider's error_description is its own text: whatever of the record's secrets it echoes is cut out. */
import { describe, expect, it } from 'vitest';
import { REDACTION_MARKER } from '../../../electron/core/redaction/secret-spans.ts';
import { addRefreshImport, harness } from '../../fixtures/idp-harness.ts';
import { CONFIDENTIAL_SECRET } from '../../fixtures/idp-provider.ts';
import { useIdp } from '../../fixtures/idp-suite.ts';

const idp = useIdp();

/** The IdP's token endpoint answers invalid_client, quoting the client secret and the refresh token it was sent. */
const echoingTokenEndpoint =
  (secret: () => string) =>
  (inner: typeof fetch): typeof fetch =>
  async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (init?.method === 'POST' && /\/token$/.test(new URL(url).pathname)) {
      const description = `bad secret ${CONFIDENTIAL_SECRET}\u0085\u202e for ${secret()}`;
      return new Response(JSON.stringify({ error: 'invalid_client', error_description: description }), { status: 400, headers: { 'content-type': 'application/json' } });
    }
    return inner(input, init);
  };

describe('an error_description that echoes a secret', () => {
  it('L1 M1 leaves no secret of the record in lastError, the alert or the thrown error, and no C1 or bidi control', async () => {
    const refreshToken = await idp.mintRefreshToken();
    const h = harness({}, echoingTokenEndpoint(() => refreshToken));
    addRefreshImport(h, idp, refreshToken, 'rt');
    const err = await h.manager.ensureFresh('rt', { force: true }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    const lastError = h.store.get('rt')!.lastError?.message ?? '';
    const alerts = h.events.flatMap((e) => (e.type === 'alert' && 'message' in e ? [e.message] : []));
    expect(lastError).toMatch(/invalid_client/);
    expect(lastError).toContain(REDACTION_MARKER);
    expect(alerts.length).toBeGreaterThan(0);
    for (const text of [lastError, ...alerts, err?.message ?? '']) {
      expect(text).not.toContain(CONFIDENTIAL_SECRET);
      expect(text).not.toContain(refreshToken.slice(0, 16));
      expect(text).not.toMatch(/[\u0080-\u009f\u202a-\u202e]/);
    }
  });

  it('L1 a login that fails the same way says invalid_client and quotes no secret of the record', async () => {
    const refreshToken = await idp.mintRefreshToken();
    const h = harness({}, echoingTokenEndpoint(() => refreshToken));
    addRefreshImport(h, idp, refreshToken, 'rt-login');
    const err = await h.manager.login('rt-login').then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^Login failed: .*invalid_client/);
    expect(err?.message).toContain(REDACTION_MARKER);
    expect(err?.message).not.toContain(CONFIDENTIAL_SECRET);
    expect(err?.message).not.toContain(refreshToken.slice(0, 16));
  });
});
