/** The access policy of one credential in the detail pane: the rules, uses left, and an editor with the CLI's messages. */
import { useEffect, useState } from 'react';
import type { CredentialDetail } from '../../../shared/model.ts';
import { describePolicy, policyFromFields, type Policy, type PolicyFieldErrors, type PolicyFields } from '../../../shared/policy.ts';
import { api, errorText } from '../../api.ts';
import { TextFieldList, type TextFieldSpec } from '../../components/text-field-list.tsx';

export interface PolicySectionProps {
  detail: CredentialDetail;
  onChanged: () => void;
  onNotify: (kind: 'info' | 'success' | 'error', text: string) => void;
}

function fieldsOf(policy: Policy | undefined): Required<PolicyFields> {
  return {
    methods: policy?.methods?.join(',') ?? '',
    paths: policy?.paths?.join(', ') ?? '',
    rate: policy?.rate ?? '',
    concurrency: policy?.concurrency?.toString() ?? '',
    maxUses: policy?.maxUses?.toString() ?? '',
  };
}

const FIELDS: TextFieldSpec<keyof PolicyFields>[] = [
  { key: 'methods', label: 'Methods', hint: 'Comma-separated; empty allows every method.', placeholder: 'GET,HEAD' },
  { key: 'paths', label: 'Paths', hint: '* matches within one segment, ** across segments; empty allows every path.', placeholder: '/repos/*, /user' },
  { key: 'rate', label: 'Rate', hint: '10/s, 600/min or 5000/h; the burst equals the count.', placeholder: '600/min' },
  { key: 'concurrency', label: 'Concurrency', hint: 'Requests in flight at once; others wait up to 5 s.', placeholder: '4' },
  { key: 'maxUses', label: 'Max uses', hint: '1 makes a one-time credential. Uses already taken stay counted.', placeholder: '1' },
];

export function PolicySection({ detail, onChanged, onNotify }: PolicySectionProps) {
  const [editing, setEditing] = useState(false);
  const [fields, setFields] = useState(() => fieldsOf(detail.policy));
  const [errors, setErrors] = useState<PolicyFieldErrors>({});
  const [busy, setBusy] = useState(false);

  // A different credential (or a pushed change while not editing) resets the form.
  useEffect(() => {
    if (!editing) setFields(fieldsOf(detail.policy));
  }, [detail.name, detail.policy, editing]);
  useEffect(() => {
    setEditing(false);
    setErrors({});
  }, [detail.name]);

  const save = async (policy: Policy | null) => {
    setBusy(true);
    try {
      await api.setPolicy(detail.name, policy);
      onNotify('success', policy ? `Policy for ${detail.name} saved.` : `Policy for ${detail.name} cleared.`);
      setEditing(false);
      onChanged();
    } catch (err) {
      onNotify('error', errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const usesLeft = detail.usesLeft ?? null;
  return (
    <section aria-labelledby="sec-policy">
      <h3 id="sec-policy">Access policy</h3>
      {!editing ? (
        <>
          <dl className="facts">
            <dt>Rules</dt>
            <dd>{describePolicy(detail.policy)}</dd>
            {usesLeft !== null ? (
              <>
                <dt>Uses left</dt>
                <dd>{usesLeft === 0 ? 'none: the proxy refuses this credential (used up)' : usesLeft}</dd>
              </>
            ) : null}
          </dl>
          <div className="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit policy
            </button>
          </div>
        </>
      ) : (
        <form
          className="policy-form"
          aria-label={`Access policy for ${detail.name}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const result = policyFromFields(fields);
            setErrors(result.errors);
            if (Object.keys(result.errors).length === 0) void save(Object.keys(result.policy).length > 0 ? result.policy : null);
          }}
        >
          <TextFieldList fields={FIELDS} values={fields} errors={errors} onChange={(key, value) => setFields({ ...fields, [key]: value })} />
          <div className="actions">
            <button type="submit" className="primary" disabled={busy}>
              {busy ? 'Saving…' : 'Save policy'}
            </button>
            <button type="button" disabled={busy || !detail.policy} onClick={() => void save(null)}>
              Clear policy
            </button>
            <button
              type="button"
              disabled={busy}
              onClick={() => {
                setEditing(false);
                setErrors({});
              }}
            >
              Cancel
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
