/** Fields every kind shares: name, bound hosts, Authorization policy, loopback http opt-in. */
import { AUTH_POLICIES, type AuthPolicy } from '../../../shared/model.ts';
import type { FieldErrors } from '../../lib/form-errors.ts';
import { Field } from '../../components/field.tsx';

export interface CommonValues {
  name: string;
  hosts: string;
  authPolicy: AuthPolicy;
  allowInsecureLoopback: boolean;
}

export const EMPTY_COMMON: CommonValues = { name: '', hosts: '', authPolicy: 'reject', allowInsecureLoopback: false };

export function CommonFields({ values, errors, onChange }: { values: CommonValues; errors: FieldErrors; onChange: (v: CommonValues) => void }) {
  return (
    <>
      <Field label="Name" error={errors.name} hint="Lowercase letters, digits, dot, dash or underscore; used in proxy URLs.">
        {(p) => <input {...p} value={values.name} autoComplete="off" spellCheck={false} onChange={(e) => onChange({ ...values, name: e.target.value })} />}
      </Field>
      <Field label="Bound hosts" error={errors.hosts} hint="Exact origins, one per line, e.g. https://api.github.com. The token is only ever sent to these.">
        {(p) => (
          <textarea {...p} rows={2} value={values.hosts} spellCheck={false} onChange={(e) => onChange({ ...values, hosts: e.target.value })} />
        )}
      </Field>
      <div className="field-row">
        <Field label="If the client sends Authorization" error={errors.authPolicy}>
          {(p) => (
            <select {...p} value={values.authPolicy} onChange={(e) => onChange({ ...values, authPolicy: e.target.value as AuthPolicy })}>
              {AUTH_POLICIES.map((a) => (
                <option key={a} value={a}>
                  {a === 'reject' ? 'reject the request' : a === 'passthrough' ? 'keep the client header' : 'replace it'}
                </option>
              ))}
            </select>
          )}
        </Field>
        <label className="check">
          <input
            type="checkbox"
            checked={values.allowInsecureLoopback}
            onChange={(e) => onChange({ ...values, allowInsecureLoopback: e.target.checked })}
          />
          Allow plain http to loopback hosts (test servers)
        </label>
      </div>
    </>
  );
}
