/** Transient messages (copy feedback, alerts, errors) in one polite live region. */
import { useCallback, useEffect, useRef, useState } from 'react';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  text: string;
  /** When set, the toast shows a countdown to this time (clipboard auto-clear). */
  until?: number;
}

export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const dismiss = useCallback((id: number) => setToasts((ts) => ts.filter((t) => t.id !== id)), []);
  const push = useCallback(
    (kind: Toast['kind'], text: string, options: { until?: number; ttlMs?: number } = {}) => {
      const id = next.current++;
      setToasts((ts) => [...ts.slice(-3), { id, kind, text, ...(options.until ? { until: options.until } : {}) }]);
      const ttl = options.ttlMs ?? (options.until ? options.until - Date.now() : kind === 'error' ? 10_000 : 5_000);
      window.setTimeout(() => dismiss(id), Math.max(1_000, ttl));
      return id;
    },
    [dismiss],
  );
  return { toasts, push, dismiss };
}

function Countdown({ until }: { until: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  const left = Math.max(0, Math.ceil((until - now) / 1000));
  return <span className="toast-countdown">{left > 0 ? `clears in ${left}s` : 'cleared'}</span>;
}

export function ToastRegion({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast-${t.kind}`}>
          <span>{t.text}</span>
          {t.until ? <Countdown until={t.until} /> : null}
          <button type="button" className="icon-button" aria-label="Dismiss message" onClick={() => onDismiss(t.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
