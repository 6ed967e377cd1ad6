/**
 * Live checks in the detail pane: a pasted JWT's signature against its issuer's JWKS (on demand:
 * opening a credential never contacts a third-party issuer by itself), and an RFC 7662 introspection where the
 * credential can authenticate. Both load after the pane; neither blocks it.
 */
import { useEffect, useState } from 'react';
import type { TokenHealth } from '../../../shared/audit-model.ts';
import type { CredentialDetail, IntrospectionView } from '../../../shared/model.ts';
import { api, errorText } from '../../api.ts';

const SIGNATURE_TEXT: Record<TokenHealth['signature'], string> = {
  verified: 'verified',
  invalid: 'signature invalid',
  unreachable: 'issuer unreachable',
  'not-jwt': 'not a JWT',
};

type Load<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; text: string };

function useCheck<T>(enabled: boolean, key: string, run: () => Promise<T>): Load<T> | null {
  const [load, setLoad] = useState<Load<T> | null>(null);
  useEffect(() => {
    if (!enabled) {
      setLoad(null);
      return;
    }
    let live = true;
    setLoad({ state: 'loading' });
    run().then(
      (value) => live && setLoad({ state: 'done', value }),
      (err: unknown) => live && setLoad({ state: 'failed', text: errorText(err) }),
    );
    return () => {
      live = false;
    };
    // The key (name + revision) decides when to ask again.
  }, [enabled, key]);
  return load;
}

export function TokenChecks({ detail }: { detail: CredentialDetail }) {
  const key = `${detail.name}@${detail.revision}`;
  const [asked, setAsked] = useState<string | null>(null);
  const verifiable = detail.kind === 'static' && typeof detail.claims?.iss === 'string';
  const health = useCheck(verifiable && asked === key, key, () => api.tokenHealth(detail.name));
  const introspection = useCheck<IntrospectionView>(Boolean(detail.oauth?.hasClientSecret) && detail.status !== 'revoked' && detail.tokenTail !== null, key, () => api.introspect(detail.name));
  if (!verifiable && !introspection) return null;
  return (
    <section aria-labelledby="sec-checks">
      <h3 id="sec-checks">Checks</h3>
      <dl className="facts">
        {verifiable ? (
          <>
            <dt>Signature</dt>
            <dd aria-live="polite">
              {!health ? (
                <button type="button" onClick={() => setAsked(key)}>
                  Verify with the issuer
                </button>
              ) : health.state === 'loading' ? (
                'checking…'
              ) : health.state === 'failed' ? (
                health.text
              ) : (
                `${SIGNATURE_TEXT[health.value.signature]} — ${health.value.detail}`
              )}
            </dd>
          </>
        ) : null}
        {introspection ? (
          <>
            <dt>Introspection</dt>
            <dd aria-live="polite">
              {introspection.state === 'loading'
                ? 'asking the identity provider…'
                : introspection.state === 'failed'
                  ? introspection.text
                  : [
                      introspection.value.active ? 'active' : 'inactive',
                      introspection.value.scope ? `scope "${introspection.value.scope}"` : null,
                      introspection.value.exp ? `expires ${new Date(introspection.value.exp * 1000).toLocaleString()}` : null,
                    ]
                      .filter(Boolean)
                      .join(', ')}
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}
