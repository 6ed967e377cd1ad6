/** The first-run empty state: says what Tokenwarden does and how to start. */
export function EmptyState({ onAdd }: { onAdd: () => void }) {
  return (
    <div className="empty">
      <h2>No credentials yet</h2>
      <p>Tokenwarden keeps API tokens encrypted and attaches them only to the hosts you bind, through a local proxy.</p>
      <ol>
        <li>
          <strong>Paste a token</strong> you already have (a JWT shows its expiry, scopes and audience).
        </li>
        <li>
          <strong>Log in with OAuth</strong>: Tokenwarden refreshes the token before it expires.
        </li>
        <li>
          <strong>Run a command</strong> that prints a token, such as <span className="mono">gcloud auth print-access-token</span>.
        </li>
      </ol>
      <p>
        Then open <strong>Proxy</strong> for a ready-to-paste <span className="mono">curl</span> line.
      </p>
      <button type="button" className="primary" onClick={onAdd}>
        Add your first credential
      </button>
    </div>
  );
}
