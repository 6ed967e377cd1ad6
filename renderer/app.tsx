/** The app shell: top bar, token list and detail pane, or the lock screen; dialogs and toasts on top. */
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import type { CredentialDetail } from '../shared/model.ts';
import { api, errorCode, errorText } from './api.ts';
import { ToastRegion, useToasts } from './components/toasts.tsx';
import { AccessKeysView } from './features/access-keys/access-keys-view.tsx';
import { ActivityView } from './features/activity/activity-view.tsx';
import { AddDialog } from './features/add-dialog/add-dialog.tsx';
import { DetailPane } from './features/detail/detail-pane.tsx';
import { LockScreen } from './features/lock-screen/lock-screen.tsx';
import { ProxyPanel } from './features/proxy-panel/proxy-panel.tsx';
import { EmptyState } from './features/token-list/empty-state.tsx';
import { filterAndSort, SORT_LABELS, type SortKey } from './features/token-list/list-model.ts';
import { TokenList } from './features/token-list/token-list.tsx';
import { useVault } from './lib/use-vault.ts';

type Overlay = 'add' | 'proxy' | 'keys' | null;

export function App() {
  const { toasts, push, dismiss } = useToasts();
  const vault = useVault((alert) => push(alert.level === 'error' ? 'error' : 'info', alert.name ? `${alert.name}: ${alert.message}` : alert.message));
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [sort, setSort] = useState<SortKey>('expiry');
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<CredentialDetail | null>(null);
  const [detailLoading, setDetailLoading] = useState(false);
  const [overlay, setOverlay] = useState<Overlay>(null);
  const [view, setView] = useState<'credentials' | 'activity'>('credentials');

  const items = useMemo(() => filterAndSort(vault.credentials, deferredQuery, sort), [vault.credentials, deferredQuery, sort]);

  const loadDetail = useCallback(
    async (name: string | null) => {
      if (!name) {
        setDetail(null);
        return;
      }
      setDetailLoading(true);
      try {
        setDetail(await api.get(name));
      } catch (err) {
        setDetail(null);
        if (errorCode(err) !== 'ERR_NOT_FOUND' && errorCode(err) !== 'ERR_LOCKED') push('error', errorText(err));
      } finally {
        setDetailLoading(false);
      }
    },
    [push],
  );

  // The detail follows both the selection and pushed changes to the list.
  useEffect(() => {
    void loadDetail(selected);
  }, [selected, vault.credentials, loadDetail]);

  const locked = vault.status?.locked ?? false;
  useEffect(() => {
    if (locked) {
      setSelected(null);
      setOverlay(null);
    }
  }, [locked]);

  if (!vault.loaded) {
    return (
      <main className="loading" aria-busy="true">
        <p>Opening the vault…</p>
      </main>
    );
  }
  if (locked) {
    return (
      <>
        <LockScreen status={vault.status} onUnlocked={vault.setStatus} />
        <ToastRegion toasts={toasts} onDismiss={dismiss} />
      </>
    );
  }

  const onNotify = (kind: 'info' | 'success' | 'error', text: string, options?: { until?: number }) => push(kind, text, options);

  return (
    <div className="app">
      <header className="topbar">
        <h1 className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Tokenwarden
        </h1>
        <nav className="view-nav" aria-label="Views">
          {(['credentials', 'activity'] as const).map((v) => (
            <button key={v} type="button" aria-current={view === v ? 'page' : undefined} onClick={() => setView(v)}>
              {v === 'credentials' ? 'Credentials' : 'Activity'}
            </button>
          ))}
        </nav>
        <div className="search">
          <label htmlFor="search" className="sr-only">
            Search credentials
          </label>
          <input id="search" type="search" placeholder="Search name, host or scope" value={query} onChange={(e) => setQuery(e.target.value)} />
        </div>
        <label htmlFor="sort" className="sr-only">
          Sort by
        </label>
        <select id="sort" value={sort} onChange={(e) => setSort(e.target.value as SortKey)}>
          {(Object.keys(SORT_LABELS) as SortKey[]).map((k) => (
            <option key={k} value={k}>
              {SORT_LABELS[k]}
            </option>
          ))}
        </select>
        <div className="topbar-actions">
          <button type="button" className="primary" onClick={() => setOverlay('add')}>
            Add credential
          </button>
          <button type="button" onClick={() => setOverlay('proxy')}>
            Proxy
            {vault.status?.proxy ? <span className="dot dot-ok" aria-label="running" /> : <span className="dot" aria-label="not running" />}
          </button>
          <button type="button" onClick={() => setOverlay('keys')}>
            Access keys
          </button>
          <button
            type="button"
            onClick={() =>
              api.lock().then(
                (s) => vault.setStatus(s),
                (err: unknown) => push('error', errorText(err)),
              )
            }
          >
            Lock
          </button>
        </div>
      </header>

      {vault.error ? (
        <p className="banner banner-error" role="alert">
          {vault.error}
        </p>
      ) : null}
      {vault.status?.warnings.map((w) => (
        <p key={w} className="banner banner-warning" role="note">
          {w}
        </p>
      ))}
      {vault.loginPrompt ? (
        <div className="banner banner-info" role="status">
          <span>
            To log in <strong>{vault.loginPrompt.name}</strong>, open <span className="mono">{vault.loginPrompt.verificationUri}</span> and enter the code{' '}
            <strong className="mono user-code">{vault.loginPrompt.userCode}</strong>
          </span>
          <button type="button" onClick={vault.dismissLogin}>
            Done
          </button>
        </div>
      ) : null}

      {view === 'activity' ? <ActivityView onError={(text) => push('error', text)} /> : null}
      <main className="split" hidden={view !== 'credentials'}>
        <section className="list-pane" aria-label="Credentials">
          {vault.credentials.length === 0 ? (
            <EmptyState onAdd={() => setOverlay('add')} />
          ) : items.length === 0 ? (
            <p className="empty-search">
              No credential matches “{query}”. Search looks at names, hosts, scopes, kinds and statuses.
            </p>
          ) : (
            <TokenList items={items} selected={selected} onSelect={setSelected} />
          )}
          <p className="list-foot muted" aria-live="polite">
            {items.length} of {vault.credentials.length} credentials
            {vault.status?.proxy ? ` · proxy on ${vault.status.proxy.url}` : ''}
          </p>
        </section>
        <DetailPane
          detail={detail}
          loading={detailLoading}
          onNotify={onNotify}
          onChanged={() => void vault.reload()}
          onRemoved={() => {
            setSelected(null);
            void vault.reload();
          }}
        />
      </main>

      {overlay === 'add' ? (
        <AddDialog
          onClose={() => setOverlay(null)}
          onAdded={(summary, interactive) => {
            setOverlay(null);
            setSelected(summary.name);
            push('success', `Added ${summary.name}.`);
            void vault.reload();
            if (interactive) {
              api.login(summary.name).then(
                () => {
                  push('success', `Logged in ${summary.name}.`);
                  vault.dismissLogin();
                  void vault.reload();
                },
                (err: unknown) => push('error', errorText(err)),
              );
            }
          }}
        />
      ) : null}
      {overlay === 'proxy' ? (
        <ProxyPanel credentials={vault.credentials} selected={selected} onClose={() => setOverlay(null)} onNotify={onNotify} />
      ) : null}
      {overlay === 'keys' ? <AccessKeysView credentials={vault.credentials} onClose={() => setOverlay(null)} onNotify={onNotify} /> : null}
      <ToastRegion toasts={toasts} onDismiss={dismiss} />
    </div>
  );
}
