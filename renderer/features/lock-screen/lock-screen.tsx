/** The lock screen: the passphrase unlock, plus why the OS keyslot could not unlock by itself. */
import { useId, useState } from 'react';
import type { VaultStatus } from '../../../shared/model.ts';
import { api, errorCode, errorText } from '../../api.ts';

export function LockScreen({ status, onUnlocked }: { status: VaultStatus | null; onUnlocked: (s: VaultStatus) => void }) {
  const inputId = useId();
  const errId = useId();
  const [passphrase, setPassphrase] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const next = await api.unlock(passphrase === '' ? undefined : passphrase);
      setPassphrase('');
      if (next.locked) setError('The vault is still locked. Enter your passphrase.');
      else onUnlocked(next);
    } catch (err) {
      setError(errorCode(err) === 'ERR_BAD_PASSPHRASE' ? 'That passphrase is not correct. Try again.' : errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="lock" aria-labelledby="lock-title">
      <div className="lock-card">
        <svg className="lock-icon" viewBox="0 0 24 24" width="32" height="32" aria-hidden="true" focusable="false">
          <rect x="4" y="10" width="16" height="11" rx="2.5" fill="currentColor" />
          <path d="M8 10V7.5a4 4 0 0 1 8 0V10" fill="none" stroke="currentColor" strokeWidth="2.2" />
        </svg>
        <h1 id="lock-title">Tokenwarden is locked</h1>
        <p className="muted">
          The vault key is not in memory, so no token can be read and the proxy answers 423 (Locked) without calling any upstream.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label htmlFor={inputId}>Passphrase</label>
          <input
            id={inputId}
            type="password"
            autoComplete="current-password"
            autoFocus
            value={passphrase}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? errId : undefined}
            onChange={(e) => setPassphrase(e.target.value)}
          />
          {error ? (
            <p id={errId} className="field-error" role="alert">
              {error}
            </p>
          ) : null}
          <button type="submit" className="primary wide" disabled={busy}>
            {busy ? 'Unlocking…' : 'Unlock'}
          </button>
        </form>
        {status?.warnings.length ? (
          <ul className="warnings" aria-label="Warnings">
            {status.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : null}
        {status ? (
          <p className="muted small">
            Keyslots: {status.keyslots.join(', ') || 'none yet'} · Data: <span className="mono">{status.dataDir}</span>
          </p>
        ) : null}
      </div>
    </main>
  );
}
