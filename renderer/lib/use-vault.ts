/** The app's data: vault status and credential summaries, reloaded on pushed events (coalesced per animation frame). */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppEvent, CredentialSummary, LoginPrompt, VaultStatus } from '../../shared/model.ts';
import { api, errorCode, errorText, onAppEvent } from '../api.ts';

export interface VaultState {
  status: VaultStatus | null;
  credentials: CredentialSummary[];
  loaded: boolean;
  loginPrompt: LoginPrompt | null;
  error: string | null;
}

export function useVault(onAlert: (event: Extract<AppEvent, { type: 'alert' }>) => void) {
  const [state, setState] = useState<VaultState>({ status: null, credentials: [], loaded: false, loginPrompt: null, error: null });
  const pending = useRef(false);
  const alertRef = useRef(onAlert);
  alertRef.current = onAlert;

  const reload = useCallback(async () => {
    try {
      const status = await api.status();
      if (status.locked) {
        setState((s) => ({ ...s, status, credentials: [], loaded: true, error: null }));
        return;
      }
      const credentials = await api.list();
      setState((s) => ({ ...s, status, credentials, loaded: true, error: null }));
    } catch (err) {
      if (errorCode(err) === 'ERR_LOCKED') {
        setState((s) => ({ ...s, status: s.status ? { ...s.status, locked: true } : s.status, credentials: [], loaded: true }));
      } else {
        setState((s) => ({ ...s, loaded: true, error: errorText(err) }));
      }
    }
  }, []);

  const scheduleReload = useCallback(() => {
    if (pending.current) return;
    pending.current = true;
    requestAnimationFrame(() => {
      pending.current = false;
      void reload();
    });
  }, [reload]);

  useEffect(() => {
    void reload();
    return onAppEvent((event) => {
      if (event.type === 'alert') alertRef.current(event);
      else if (event.type === 'login') setState((s) => ({ ...s, loginPrompt: event.prompt }));
      // `changed` carries every summary, so no round trip is needed to refresh the list.
      else if (event.type === 'changed') setState((s) => (s.status?.locked ? s : { ...s, credentials: event.summaries }));
      // Audit pushes feed the Activity view; they change nothing the list shows.
      else if (event.type !== 'audit') scheduleReload();
    });
  }, [reload, scheduleReload]);

  const setStatus = useCallback((status: VaultStatus) => {
    setState((s) => ({ ...s, status }));
    void reload();
  }, [reload]);
  const dismissLogin = useCallback(() => setState((s) => ({ ...s, loginPrompt: null })), []);

  return { ...state, reload, setStatus, dismissLogin };
}
