/** Desktop notifications for alerts and for credentials that newly need a login; never with a token in the text. */
import type { AppEvent, CredentialStatus } from '../../shared/model.ts';

export interface NotificationLike {
  on(event: 'click', listener: () => void): unknown;
  show(): void;
}

export interface NotifierDeps {
  isSupported: () => boolean;
  create: (options: { title: string; body: string; silent?: boolean }) => NotificationLike;
  onClick: (name: string | null) => void;
}

/** R2: a fall-back to the vault's backup, as an alert the notifier shows (the vault recovers before any listener exists). */
export function recoveryAlert(recovery: { message: string }): AppEvent {
  return { type: 'alert', level: 'warning', code: 'ERR_CORRUPT', name: null, message: recovery.message };
}

/** Returns the listener to pass to `service.onEvent`. */
export function createNotifier(deps: NotifierDeps): (event: AppEvent) => void {
  const previous = new Map<string, CredentialStatus>();
  const notify = (title: string, body: string, name: string | null): void => {
    if (!deps.isSupported()) return;
    const n = deps.create({ title, body });
    n.on('click', () => deps.onClick(name));
    n.show();
  };
  return (event) => {
    if (event.type === 'alert') {
      if (event.level === 'info') return;
      notify(event.name ? `Tokenwarden: ${event.name}` : 'Tokenwarden', event.message, event.name);
      return;
    }
    if (event.type === 'changed') {
      for (const s of event.summaries) {
        const before = previous.get(s.name);
        previous.set(s.name, s.status);
        // Only transitions: the first snapshot after start-up must not flood the user.
        if (before !== undefined && before !== 'needs-login' && s.status === 'needs-login') {
          notify(`Tokenwarden: ${s.name} needs a login`, 'The identity provider refused the refresh token. Open Tokenwarden and log in again.', s.name);
        }
      }
    }
  };
}
