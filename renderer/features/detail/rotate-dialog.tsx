/** Rotate: for a static token, paste the replacement; for oauth/exec, confirm a forced new token. */
import { useId, useState } from 'react';
import { TokenInput } from '../../../shared/contract.ts';
import { formatIssues } from '../../../shared/issue-messages.ts';
import type { CredentialDetail } from '../../../shared/model.ts';
import { api, errorText } from '../../api.ts';
import { Modal } from '../../components/modal.tsx';
import { FormActions } from '../../components/form-actions.tsx';

export function RotateDialog({ detail, onDone, onClose }: { detail: CredentialDetail; onDone: (text: string) => void; onClose: () => void }) {
  const tokenId = useId();
  const errId = useId();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const isStatic = detail.kind === 'static';
  const submit = async () => {
    setError(null);
    if (isStatic) {
      const parsed = TokenInput.safeParse(token);
      if (!parsed.success) {
        setError(formatIssues(parsed.error, 1));
        return;
      }
    }
    setBusy(true);
    try {
      await api.rotate(detail.name, isStatic ? { token } : {});
      setToken('');
      onDone(`Rotated ${detail.name}.`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Rotate ${detail.name}`} onClose={onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {isStatic ? (
          <div className="field">
            <label htmlFor={tokenId}>New token</label>
            <input
              id={tokenId}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={token}
              aria-invalid={error ? true : undefined}
              aria-describedby={error ? errId : undefined}
              onChange={(e) => setToken(e.target.value)}
            />
            <p className="hint">The old token is replaced in the vault, and revoked at the provider where one is configured.</p>
          </div>
        ) : (
          <p className="confirm-body">
            {detail.kind === 'exec'
              ? 'Tokenwarden will run the command again and store the token it prints.'
              : detail.oauth?.grant === 'client-credentials'
                ? 'Tokenwarden will force a new token from the identity provider, then revoke the old access token where the provider has a revocation endpoint.'
                : 'Tokenwarden will force a new token from the identity provider. The old access token stops being used now but is not revoked, because at many providers that would end the whole grant; it expires on its own. Use Revoke to end the grant.'}
          </p>
        )}
        {error ? (
          <p id={errId} className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <FormActions busy={busy} busyLabel="Rotating…" label="Rotate" onCancel={onClose} />
      </form>
    </Modal>
  );
}
