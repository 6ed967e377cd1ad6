/** The proxy panel: where the proxy listens, the key (copy only), paste-ready instructions and the CA download. */
import { useEffect, useId, useState } from 'react';
import type { CredentialSummary, ProxyInfo } from '../../../shared/model.ts';
import { api, errorText } from '../../api.ts';
import { Modal } from '../../components/modal.tsx';
import { proxySnippets } from './snippets.ts';

export interface ProxyPanelProps {
  credentials: CredentialSummary[];
  selected: string | null;
  onClose: () => void;
  onNotify: (kind: 'info' | 'success' | 'error', text: string, options?: { until?: number }) => void;
}

function download(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ProxyPanel({ credentials, selected, onClose, onNotify }: ProxyPanelProps) {
  const selectId = useId();
  const [info, setInfo] = useState<ProxyInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [name, setName] = useState(selected ?? credentials[0]?.name ?? '');
  useEffect(() => {
    api.proxyInfo().then(setInfo, (err: unknown) => setError(errorText(err)));
  }, []);
  const snippets = info ? proxySnippets(info, name) : [];
  return (
    <Modal title="Proxy" onClose={onClose} wide>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {info ? (
        <>
          <dl className="facts proxy-facts">
            <dt>Status</dt>
            <dd>{info.running ? <span className="badge badge-valid">running</span> : <span className="badge badge-expired">stopped</span>}</dd>
            <dt>Address</dt>
            <dd className="mono">{info.url ?? '—'}</dd>
            <dt>Port</dt>
            <dd className="mono">{info.port ?? '—'}</dd>
            <dt>Proxy key</dt>
            <dd className="mono">{info.keyTail ? `…${info.keyTail}` : '—'}</dd>
            <dt>Unbound CONNECT</dt>
            <dd>{info.strict ? 'rejected (strict)' : 'blind tunnel, no token'}</dd>
          </dl>
          <div className="actions">
            <button
              type="button"
              className="primary"
              onClick={() =>
                api.copyProxyKey().then(
                  ({ clearAfterMs }) => onNotify('success', 'Proxy key copied.', { until: Date.now() + clearAfterMs }),
                  (err: unknown) => onNotify('error', errorText(err)),
                )
              }
            >
              Copy proxy key
            </button>
            <button
              type="button"
              disabled={!info.running}
              onClick={() =>
                api.caPem().then(
                  (pem) => {
                    download('tokenwarden-ca.pem', pem);
                    onNotify('success', 'CA certificate saved as tokenwarden-ca.pem. Import it only where you want TLS interception for bound hosts.');
                  },
                  (err: unknown) => onNotify('error', errorText(err)),
                )
              }
            >
              Download CA certificate
            </button>
          </div>
          <div className="field">
            <label htmlFor={selectId}>Credential for the examples</label>
            <select id={selectId} value={name} onChange={(e) => setName(e.target.value)}>
              {credentials.length === 0 ? <option value="">NAME</option> : null}
              {credentials.slice(0, 500).map((c) => (
                <option key={c.name} value={c.name}>
                  {c.name}
                </option>
              ))}
            </select>
          </div>
          {snippets.map((s) => (
            <section key={s.id} className="snippet" aria-label={s.title}>
              <h3>{s.title}</h3>
              <pre className="mono" tabIndex={0}>
                {s.text}
              </pre>
            </section>
          ))}
        </>
      ) : error ? null : (
        <p>Loading…</p>
      )}
    </Modal>
  );
}
