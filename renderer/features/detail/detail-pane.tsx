/** The detail pane: decoded claims, binding, timeline and the refresh / rotate / revoke / copy / remove actions. */
import { useState } from 'react';
import type { CredentialDetail } from '../../../shared/model.ts';
import { api, errorText } from '../../api.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { StatusBadge } from '../../components/status-badge.tsx';
import { absoluteText, expiryText, relativeText } from '../../../shared/relative-time.ts';
import { useNow } from '../../lib/use-now.ts';
import { PolicySection } from '../policy/policy-section.tsx';
import { OUTCOME_TEXT } from './revoke-outcome.ts';
import { RotateDialog } from './rotate-dialog.tsx';
import { TokenChecks } from './token-checks.tsx';

export interface DetailPaneProps {
  detail: CredentialDetail | null;
  loading: boolean;
  onNotify: (kind: 'info' | 'success' | 'error', text: string, options?: { until?: number }) => void;
  onRemoved: (name: string) => void;
  onChanged: () => void;
}

type Dialog = 'rotate' | 'revoke' | 'remove' | null;

function Chips({ values }: { values: string[] }) {
  if (values.length === 0) return <span className="muted">none</span>;
  return (
    <span className="chips">
      {values.map((v) => (
        <span key={v} className="chip">
          {v}
        </span>
      ))}
    </span>
  );
}

const POLICY_TEXT = {
  reject: 'reject: requests that already carry Authorization are refused',
  passthrough: "passthrough: a client's own Authorization is kept",
  force: 'force: the client Authorization is replaced',
} as const;

export function DetailPane({ detail, loading, onNotify, onRemoved, onChanged }: DetailPaneProps) {
  const now = useNow(1000);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [revokeNote, setRevokeNote] = useState<{ name: string; text: string } | null>(null);

  if (!detail) {
    return (
      <aside className="detail detail-empty" aria-label="Credential details">
        <p>{loading ? 'Loading…' : 'Select a credential to see its claims, scopes, hosts and actions.'}</p>
      </aside>
    );
  }

  const run = async (label: string, fn: () => Promise<string | void>) => {
    setBusy(label);
    try {
      const text = await fn();
      if (text) onNotify('success', text);
      onChanged();
    } catch (err) {
      onNotify('error', errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const copy = () =>
    run('copy', async () => {
      const { clearAfterMs } = await api.copyToken(detail.name);
      onNotify('success', `Token for ${detail.name} copied.`, { until: Date.now() + clearAfterMs });
    });

  const needsLogin = detail.kind === 'oauth' && (detail.status === 'needs-login' || detail.tokenTail === null);
  const claims = detail.claims ? JSON.stringify(detail.claims, null, 2) : null;

  return (
    <aside className="detail" aria-label="Credential details">
      <div className="detail-head">
        <h2>{detail.name}</h2>
        <StatusBadge status={detail.status} />
        <span className={`kind kind-${detail.kind}`}>{detail.kind}</span>
        <button type="button" className="danger-quiet push-right" disabled={busy !== null} onClick={() => setDialog('remove')}>
          Remove
        </button>
      </div>
      <div className="actions" role="toolbar" aria-label="Actions">
        {needsLogin ? (
          <button type="button" className="primary" disabled={busy !== null} onClick={() => run('login', async () => `Logged in ${(await api.login(detail.name)).name}.`)}>
            Log in
          </button>
        ) : null}
        <button type="button" disabled={busy !== null || detail.kind === 'static'} onClick={() => run('refresh', async () => `Refreshed ${(await api.refresh(detail.name)).name}.`)}>
          {busy === 'refresh' ? 'Refreshing…' : 'Refresh'}
        </button>
        <button type="button" disabled={busy !== null} onClick={() => setDialog('rotate')}>
          Rotate
        </button>
        <button type="button" disabled={busy !== null} onClick={() => setDialog('revoke')}>
          Revoke
        </button>
        <button type="button" disabled={busy !== null || detail.tokenTail === null} onClick={() => void copy()}>
          Copy token
        </button>
      </div>

      {revokeNote && revokeNote.name === detail.name ? (
        <p className="note" role="status">
          {revokeNote.text}
        </p>
      ) : null}
      {detail.lastError ? (
        <p className="note note-error" role="alert">
          Last error ({relativeText(detail.lastError.at, now)}): {detail.lastError.message}
        </p>
      ) : null}

      <section aria-labelledby="sec-token">
        <h3 id="sec-token">Token</h3>
        <dl className="facts">
          <dt>Expires</dt>
          <dd>
            {expiryText(detail.expiresAt, now)} <span className="muted">{absoluteText(detail.expiresAt)}</span>
          </dd>
          <dt>Token (last 4 characters)</dt>
          <dd className="mono">{detail.tokenTail ? `…${detail.tokenTail}` : 'no token stored'}</dd>
          <dt>Last used</dt>
          <dd>{relativeText(detail.lastUsedAt, now)}</dd>
          <dt>Last refreshed</dt>
          <dd>{relativeText(detail.lastRefreshAt, now)}</dd>
          <dt>Added</dt>
          <dd>{absoluteText(detail.createdAt)}</dd>
        </dl>
      </section>

      <TokenChecks detail={detail} />
      <section aria-labelledby="sec-binding">
        <h3 id="sec-binding">Binding</h3>
        <dl className="facts">
          <dt>Hosts</dt>
          <dd>
            <ul className="plain">
              {detail.hosts.map((h) => (
                <li key={h} className="mono">
                  {h}
                </li>
              ))}
            </ul>
          </dd>
          <dt>Auth policy</dt>
          <dd>{POLICY_TEXT[detail.authPolicy]}</dd>
          {detail.allowInsecureLoopback ? (
            <>
              <dt>Plain http</dt>
              <dd>allowed for loopback test upstreams</dd>
            </>
          ) : null}
          {detail.upstreamCa ? (
            <>
              <dt>Upstream CA</dt>
              <dd>
                <ul className="plain">
                  {detail.upstreamCa.map((ca) => (
                    <li key={ca.fingerprint}>
                      {ca.subject} <span className="mono muted">SHA256 {ca.fingerprint}</span>
                    </li>
                  ))}
                </ul>
              </dd>
            </>
          ) : null}
        </dl>
      </section>

      <PolicySection detail={detail} onChanged={onChanged} onNotify={onNotify} />

      <section aria-labelledby="sec-identity">
        <h3 id="sec-identity">Identity</h3>
        <dl className="facts">
          <dt>Scopes</dt>
          <dd>
            <Chips values={detail.scopes} />
          </dd>
          <dt>Audience</dt>
          <dd>
            <Chips values={detail.audience} />
          </dd>
          <dt>Issuer</dt>
          <dd className="mono">{detail.issuer ?? '—'}</dd>
          <dt>Subject</dt>
          <dd className="mono">{detail.subject ?? '—'}</dd>
          {detail.oauth ? (
            <>
              <dt>OAuth client</dt>
              <dd className="mono">
                {detail.oauth.clientId} · {detail.oauth.grant}
                {detail.oauth.hasClientSecret ? ' · secret stored' : ''}
              </dd>
            </>
          ) : null}
          {detail.exec ? (
            <>
              <dt>Command</dt>
              <dd className="mono">{detail.exec.command}</dd>
            </>
          ) : null}
        </dl>
      </section>

      {claims ? (
        <section aria-labelledby="sec-claims">
          <h3 id="sec-claims">Decoded claims</h3>
          <p className="hint">Decoded for display only; the signature is not checked here.</p>
          <pre className="claims" tabIndex={0} aria-label="Decoded JWT claims">
            {claims}
          </pre>
        </section>
      ) : null}

      {dialog === 'rotate' ? (
        <RotateDialog
          detail={detail}
          onClose={() => setDialog(null)}
          onDone={(text) => {
            setDialog(null);
            onNotify('success', text);
            onChanged();
          }}
        />
      ) : null}
      {dialog === 'revoke' ? (
        <ConfirmDialog
          title={`Revoke ${detail.name}?`}
          danger
          confirmLabel="Revoke"
          onClose={() => setDialog(null)}
          body={
            <>
              <p>
                Tokenwarden asks the identity provider to revoke the refresh token, then the access token (RFC 7009), and
                deletes both from the vault in every case.
              </p>
              <p>
                The result is reported as it is: <strong>confirmed</strong> (the provider accepted it), <strong>not confirmed</strong>{' '}
                (the provider did not answer or refused; the token may stay valid until it expires) or <strong>unsupported</strong> (there
                is no revocation endpoint).
              </p>
            </>
          }
          onConfirm={async () => {
            try {
              const result = await api.revoke(detail.name);
              const text = `${OUTCOME_TEXT[result.outcome]}${result.detail ? ` ${result.detail}` : ''}`;
              setRevokeNote({ name: detail.name, text });
              onNotify(result.outcome === 'confirmed' ? 'success' : 'info', text);
              onChanged();
            } catch (err) {
              onNotify('error', errorText(err));
            }
            setDialog(null);
          }}
        />
      ) : null}
      {dialog === 'remove' ? (
        <ConfirmDialog
          title={`Remove ${detail.name}?`}
          danger
          confirmLabel="Remove"
          onClose={() => setDialog(null)}
          body={
            <p>
              This deletes the credential and its tokens from the vault. It does <strong>not</strong> revoke them at the provider; use
              Revoke first if the token must stop working.
            </p>
          }
          onConfirm={async () => {
            try {
              await api.remove(detail.name);
              onNotify('success', `Removed ${detail.name}.`);
              onRemoved(detail.name);
            } catch (err) {
              onNotify('error', errorText(err));
            }
            setDialog(null);
          }}
        />
      ) : null}
    </aside>
  );
}
