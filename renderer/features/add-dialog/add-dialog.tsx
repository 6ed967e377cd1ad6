/** The add dialog: paste a token, configure an OAuth login, or a command that prints a token; errors inline from the zod schemas. */
import { useId, useState, type KeyboardEvent } from 'react';
import { GRANTS, type CredentialSummary, type Grant } from '../../../shared/model.ts';
import { api, errorCode, errorText } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { Modal } from '../../components/modal.tsx';
import type { FieldErrors } from '../../lib/form-errors.ts';
import { buildAddInput, type AddTab, type FormValues } from './build-input.ts';
import { CommonFields, EMPTY_COMMON } from './common-fields.tsx';
import { FormActions } from '../../components/form-actions.tsx';

const TABS: { id: AddTab; label: string }[] = [
  { id: 'static', label: 'Paste a token' },
  { id: 'oauth', label: 'OAuth login' },
  { id: 'exec', label: 'Command' },
];

const GRANT_LABELS: Record<Grant, string> = {
  'auth-code': 'Authorization code + PKCE (opens your browser)',
  device: 'Device code (enter a code on another screen)',
  'client-credentials': 'Client credentials (machine to machine)',
  'refresh-token': 'Import an existing refresh token',
};

const EMPTY: FormValues = {
  common: EMPTY_COMMON,
  token: '',
  expiresInMinutes: '',
  issuer: '',
  clientId: '',
  clientSecret: '',
  grant: 'auth-code',
  scope: '',
  audience: '',
  refreshToken: '',
  command: '',
};

export interface AddDialogProps {
  onClose: () => void;
  onAdded: (summary: CredentialSummary, needsLogin: boolean) => void;
}

export function AddDialog({ onClose, onAdded }: AddDialogProps) {
  const baseId = useId();
  const [tab, setTab] = useState<AddTab>('static');
  const [values, setValues] = useState<FormValues>(EMPTY);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<FormValues>) => setValues((v) => ({ ...v, ...patch }));

  const submit = async () => {
    const built = buildAddInput(tab, values);
    if (!built.ok) {
      setErrors(built.errors);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const summary = await api.add(built.input as never);
      // Drop secrets from state as soon as main has them.
      setValues(EMPTY);
      const interactive = tab === 'oauth' && (values.grant === 'auth-code' || values.grant === 'device');
      onAdded(summary, interactive);
    } catch (err) {
      const code = errorCode(err);
      if (code === 'ERR_EXISTS') setErrors({ name: errorText(err) });
      // The code too: a refusal such as ERR_CONFIRMATION_REQUIRED must be unmistakable and searchable.
      else setErrors({ _form: code ? `${errorText(err)} (${code})` : errorText(err) });
    } finally {
      setBusy(false);
    }
  };

  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === 'ArrowRight' ? (i + 1) % TABS.length : e.key === 'ArrowLeft' ? (i + TABS.length - 1) % TABS.length : -1;
    if (next >= 0) {
      e.preventDefault();
      setTab(TABS[next]!.id);
      setErrors({});
      document.getElementById(`${baseId}-tab-${TABS[next]!.id}`)?.focus();
    }
  };

  return (
    <Modal title="Add a credential" onClose={onClose} wide>
      <div className="tabs" role="tablist" aria-label="How to add" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`${baseId}-tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls={`${baseId}-panel`}
            tabIndex={tab === t.id ? 0 : -1}
            className={tab === t.id ? 'tab tab-active' : 'tab'}
            onClick={() => {
              setTab(t.id);
              setErrors({});
            }}
          >
            {t.label}
          </button>
        ))}
      </div>
      <form
        id={`${baseId}-panel`}
        role="tabpanel"
        aria-labelledby={`${baseId}-tab-${tab}`}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <CommonFields values={values.common} errors={errors} onChange={(common) => set({ common })} />
        {tab === 'static' ? (
          <>
            <Field label="Token" error={errors.token} hint="Stored encrypted. JWT expiry, scopes and audience are read from the token itself.">
              {(p) => (
                <textarea
                  {...p}
                  className="mono secret-input"
                  rows={2}
                  autoComplete="off"
                  spellCheck={false}
                  value={values.token}
                  onChange={(e) => set({ token: e.target.value })}
                />
              )}
            </Field>
            <Field label="Expires in (minutes, optional)" error={errors.expiresInMinutes} hint="Only for opaque tokens without an exp claim.">
              {(p) => <input {...p} inputMode="numeric" value={values.expiresInMinutes} onChange={(e) => set({ expiresInMinutes: e.target.value })} />}
            </Field>
          </>
        ) : null}
        {tab === 'oauth' ? (
          <>
            <Field label="Issuer URL" error={errors.issuer} hint="Discovery is read from /.well-known/openid-configuration.">
              {(p) => <input {...p} value={values.issuer} spellCheck={false} onChange={(e) => set({ issuer: e.target.value })} />}
            </Field>
            <div className="field-row">
              <Field label="Client ID" error={errors.clientId}>
                {(p) => <input {...p} value={values.clientId} spellCheck={false} onChange={(e) => set({ clientId: e.target.value })} />}
              </Field>
              <Field label="Client secret (optional)" error={errors.clientSecret}>
                {(p) => <input {...p} type="password" autoComplete="off" value={values.clientSecret} onChange={(e) => set({ clientSecret: e.target.value })} />}
              </Field>
            </div>
            <Field label="Grant" error={errors.grant}>
              {(p) => (
                <select {...p} value={values.grant} onChange={(e) => set({ grant: e.target.value as Grant })}>
                  {GRANTS.map((g) => (
                    <option key={g} value={g}>
                      {GRANT_LABELS[g]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <div className="field-row">
              <Field label="Scope (optional)" error={errors.scope}>
                {(p) => <input {...p} value={values.scope} spellCheck={false} onChange={(e) => set({ scope: e.target.value })} />}
              </Field>
              <Field label="Audience (optional)" error={errors.audience}>
                {(p) => <input {...p} value={values.audience} spellCheck={false} onChange={(e) => set({ audience: e.target.value })} />}
              </Field>
            </div>
            {values.grant === 'refresh-token' ? (
              <Field label="Refresh token" error={errors.refreshToken}>
                {(p) => (
                  <input {...p} type="password" autoComplete="off" value={values.refreshToken} onChange={(e) => set({ refreshToken: e.target.value })} />
                )}
              </Field>
            ) : null}
          </>
        ) : null}
        {tab === 'exec' ? (
          <Field
            label="Command"
            error={errors.command}
            hint='Prints a token, or JSON {"access_token", "expires_in"}. Run without a shell; re-run on expiry.'
          >
            {(p) => <input {...p} className="mono" value={values.command} spellCheck={false} onChange={(e) => set({ command: e.target.value })} />}
          </Field>
        ) : null}
        {errors._form ? (
          <p className="field-error form-error" role="alert">
            {errors._form}
          </p>
        ) : null}
        <FormActions busy={busy} busyLabel="Adding…" label={tab === 'oauth' ? 'Add and log in' : 'Add credential'} onCancel={onClose} />
      </form>
    </Modal>
  );
}
