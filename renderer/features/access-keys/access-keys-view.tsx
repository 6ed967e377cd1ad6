/** The Access keys view: create a scoped key (shown once), list keys with uses left, expiry and label, revoke. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AccessKeyCreated, AccessKeySummary, CredentialSummary } from '../../../shared/model.ts';
import { describePolicy, keyExpiresText } from '../../../shared/policy.ts';
import { api, errorText } from '../../api.ts';
import { ConfirmDialog } from '../../components/confirm-dialog.tsx';
import { Modal } from '../../components/modal.tsx';
import { useNow } from '../../lib/use-now.ts';
import { CreateKeyForm } from './create-key-form.tsx';
import { KeyOnce } from './key-once.tsx';

export interface AccessKeysViewProps {
  credentials: CredentialSummary[];
  onClose: () => void;
  onNotify: (kind: 'info' | 'success' | 'error', text: string) => void;
}

const STATUS_TEXT: Record<AccessKeySummary['status'], string> = { active: 'active', expired: 'expired', 'used-up': 'used up', revoked: 'revoked' };
const STATUS_BADGE: Record<AccessKeySummary['status'], string> = { active: 'valid', expired: 'expired', 'used-up': 'used-up', revoked: 'revoked' };

export function AccessKeysView({ credentials, onClose, onNotify }: AccessKeysViewProps) {
  const now = useNow(1000);
  const [keys, setKeys] = useState<AccessKeySummary[] | null>(null);
  const [created, setCreated] = useState<AccessKeyCreated | null>(null);
  const [revoking, setRevoking] = useState<AccessKeySummary | null>(null);

  // The parent passes a new onNotify each render; a ref keeps the list from reloading on every render.
  const notify = useRef(onNotify);
  notify.current = onNotify;
  const reload = useCallback(() => {
    api.listAccessKeys().then(setKeys, (err: unknown) => notify.current('error', errorText(err)));
  }, []);
  useEffect(reload, [reload]);

  return (
    <Modal title="Access keys" onClose={onClose} wide>
      <p className="hint">
        An access key (<span className="mono">twk_…</span>) works like the proxy key, but only for the credentials it names, and it can only
        narrow their policies. Give one to a script or a CI job instead of the master key.
      </p>
      {created ? (
        <KeyOnce created={created} onDone={() => setCreated(null)} />
      ) : (
        <CreateKeyForm
          credentials={credentials}
          onCreated={(c) => {
            setCreated(c);
            reload();
          }}
        />
      )}
      <h3>Keys</h3>
      {keys === null ? (
        <p className="muted">Loading…</p>
      ) : keys.length === 0 ? (
        <p className="muted">No access keys yet.</p>
      ) : (
        <table className="keys-table" aria-label="Access keys">
          <thead>
            <tr>
              <th scope="col">Key</th>
              <th scope="col">For</th>
              <th scope="col">Status</th>
              <th scope="col">Uses left</th>
              <th scope="col">Expires</th>
              <th scope="col">Rules</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {keys.map((k) => (
              <tr key={k.id}>
                <td>
                  <span className="mono">{k.id}</span>
                  {k.label ? <div className="muted">{k.label}</div> : null}
                </td>
                <td className="mono">{k.for.join(', ') || '—'}</td>
                <td>
                  <span className={`badge badge-${STATUS_BADGE[k.status]}`}>{STATUS_TEXT[k.status]}</span>
                </td>
                <td>{k.usesLeft === null ? 'unlimited' : k.usesLeft}</td>
                <td>{keyExpiresText(k, now)}</td>
                <td>{describePolicy(k.policy)}</td>
                <td>
                  <button type="button" className="danger-quiet" disabled={k.status === 'revoked'} aria-label={`Revoke ${k.id}`} onClick={() => setRevoking(k)}>
                    Revoke
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking ? (
        <ConfirmDialog
          title={`Revoke ${revoking.id}?`}
          danger
          confirmLabel="Revoke key"
          onClose={() => setRevoking(null)}
          body={<p>The next request with this key gets 401. Anything still using it (a script, a CI job) stops working.</p>}
          onConfirm={async () => {
            try {
              await api.revokeAccessKey(revoking.id);
              onNotify('success', `Revoked ${revoking.id}.`);
              reload();
            } catch (err) {
              onNotify('error', errorText(err));
            }
            setRevoking(null);
          }}
        />
      ) : null}
    </Modal>
  );
}
