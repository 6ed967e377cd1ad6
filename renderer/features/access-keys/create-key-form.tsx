/** Create an access key: the credentials it is for, and how it narrows them (uses, lifetime, methods, paths, rate). */
import { useState } from 'react';
import type { AccessKeyCreated, CredentialSummary } from '../../../shared/model.ts';
import { api, errorText } from '../../api.ts';
import { TextFieldList, type TextFieldSpec } from '../../components/text-field-list.tsx';
import { EMPTY_KEY_FORM, keyInputFromForm, type KeyFormErrors, type KeyFormFields } from './key-form.ts';

export interface CreateKeyFormProps {
  credentials: CredentialSummary[];
  onCreated: (created: AccessKeyCreated) => void;
}

const TEXT_FIELDS: TextFieldSpec<Exclude<keyof KeyFormFields, 'for'>>[] = [
  { key: 'uses', label: 'Uses', hint: 'Empty for unlimited; 1 makes a one-time key.', placeholder: '1' },
  { key: 'ttl', label: 'Expires after', hint: '90s, 10m, 2h or 7d; empty for no expiry.', placeholder: '10m' },
  { key: 'methods', label: 'Methods', hint: 'Narrow to these methods; the credential policy still applies.', placeholder: 'GET,HEAD' },
  { key: 'paths', label: 'Paths', hint: 'Narrow to these path patterns.', placeholder: '/repos/*' },
  { key: 'rate', label: 'Rate', hint: 'A limit of its own: 10/s, 600/min or 5000/h.', placeholder: '60/min' },
  { key: 'label', label: 'Label', hint: 'A note for the list, e.g. the CI job.', placeholder: 'deploy job' },
];

export function CreateKeyForm({ credentials, onCreated }: CreateKeyFormProps) {
  const [fields, setFields] = useState<KeyFormFields>(EMPTY_KEY_FORM);
  const [errors, setErrors] = useState<KeyFormErrors>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);

  const toggle = (name: string, on: boolean) => setFields({ ...fields, for: on ? [...fields.for, name] : fields.for.filter((n) => n !== name) });

  return (
    <form
      className="key-form"
      aria-label="Create an access key"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const { input, errors: found } = keyInputFromForm(fields);
        setErrors(found);
        setFailure(null);
        if (!input) return;
        setBusy(true);
        api.createAccessKey(input).then(
          (created) => {
            setFields(EMPTY_KEY_FORM);
            onCreated(created);
          },
          (err: unknown) => setFailure(errorText(err)),
        ).finally(() => setBusy(false));
      }}
    >
      <fieldset className="key-for" aria-describedby={errors.for ? 'key-for-error' : undefined}>
        <legend>For credentials</legend>
        {credentials.length === 0 ? <p className="muted">Add a credential first.</p> : null}
        {credentials.map((c) => (
          <label key={c.name} className="check">
            <input type="checkbox" checked={fields.for.includes(c.name)} onChange={(e) => toggle(c.name, e.target.checked)} />
            <span className="mono">{c.name}</span>
          </label>
        ))}
        {errors.for ? (
          <p id="key-for-error" className="field-error">
            {errors.for}
          </p>
        ) : null}
      </fieldset>
      <div className="key-fields">
        <TextFieldList fields={TEXT_FIELDS} values={fields} errors={errors} onChange={(key, value) => setFields({ ...fields, [key]: value })} />
      </div>
      {failure ? (
        <p className="field-error" role="alert">
          {failure}
        </p>
      ) : null}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}
