/**
 * A list of labelled single-line text inputs, each a `Field` with its hint and inline error. The policy editor
 * and the access-key form describe their inputs as data and share this, so both keep the same ids, labels,
 * aria wiring and input settings (no autocomplete or spellcheck: the values are methods, paths and rates).
 */
import { Field } from './field.tsx';

export interface TextFieldSpec<K extends string> {
  key: K;
  label: string;
  hint: string;
  placeholder: string;
}

export interface TextFieldListProps<K extends string> {
  fields: readonly TextFieldSpec<K>[];
  values: Readonly<Record<K, string>>;
  errors: Readonly<Partial<Record<K, string>>>;
  onChange: (key: K, value: string) => void;
}

export function TextFieldList<K extends string>({ fields, values, errors, onChange }: TextFieldListProps<K>) {
  return (
    <>
      {fields.map((f) => (
        <Field key={f.key} label={f.label} hint={f.hint} error={errors[f.key]}>
          {(props) => (
            <input
              {...props}
              type="text"
              value={values[f.key]}
              placeholder={f.placeholder}
              autoComplete="off"
              spellCheck={false}
              onChange={(e) => onChange(f.key, e.target.value)}
            />
          )}
        </Field>
      ))}
    </>
  );
}
