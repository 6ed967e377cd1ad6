/** The Activity data: stats for the last hour and the alerts, shared by the view and the row sparklines, refreshed live. */
import { useSyncExternalStore } from 'react';
import type { AlertItem, StatsReport } from '../../../shared/audit-model.ts';
import { api, onAppEvent } from '../../api.ts';

export interface ActivityState {
  stats: StatsReport | null;
  alerts: AlertItem[];
  error: string | null;
}

/** Audit pushes arrive up to ten times a second under load; one refetch per second is plenty for charts. */
const REFRESH_MS = 1000;

let state: ActivityState = { stats: null, alerts: [], error: null };
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setTimeout> | undefined;
let unsubscribe: (() => void) | undefined;
let inFlight = false;

function set(next: Partial<ActivityState>): void {
  state = { ...state, ...next };
  for (const l of listeners) l();
}

export async function refreshActivity(): Promise<void> {
  if (inFlight) return;
  inFlight = true;
  try {
    const [stats, alerts] = await Promise.all([api.stats({ since: '1h' }), api.alerts({ all: true })]);
    set({ stats, alerts, error: null });
  } catch (err) {
    set({ error: err instanceof Error ? err.message : 'The activity could not be loaded.' });
  } finally {
    inFlight = false;
  }
}

function schedule(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    void refreshActivity();
  }, REFRESH_MS);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!unsubscribe) {
    unsubscribe = onAppEvent((event) => {
      if (event.type === 'audit') schedule();
      else if (event.type === 'alert' || (event.type === 'locked' && !event.locked)) void refreshActivity();
    });
    void refreshActivity();
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
      clearTimeout(timer);
      timer = undefined;
    }
  };
}

export function useActivity(): ActivityState {
  return useSyncExternalStore(subscribe, () => state);
}

export async function acknowledge(input: { id: string } | { all: true }): Promise<number> {
  const { acknowledged } = await api.ackAlert(input);
  await refreshActivity();
  return acknowledged;
}
