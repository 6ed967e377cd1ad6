/** The create-key form's text fields -> AccessKeyInput, with the same messages `tkw key create` prints. */
import { policyFromFields, POLICY_MESSAGES, readDuration, type AccessKeyInput } from '../../../shared/policy.ts';

export interface KeyFormFields {
  for: string[];
  uses: string;
  ttl: string;
  methods: string;
  paths: string;
  rate: string;
  label: string;
}

export type KeyFormErrors = Partial<Record<keyof KeyFormFields, string>>;

export const EMPTY_KEY_FORM: KeyFormFields = { for: [], uses: '', ttl: '', methods: '', paths: '', rate: '', label: '' };

export function keyInputFromForm(fields: KeyFormFields): { input?: AccessKeyInput; errors: KeyFormErrors } {
  const errors: KeyFormErrors = {};
  if (fields.for.length === 0) errors.for = POLICY_MESSAGES.forEmpty;
  const { policy, errors: policyErrors } = policyFromFields({ methods: fields.methods, paths: fields.paths, rate: fields.rate, maxUses: fields.uses });
  if (policyErrors.maxUses) errors.uses = policyErrors.maxUses;
  if (policyErrors.methods) errors.methods = policyErrors.methods;
  if (policyErrors.paths) errors.paths = policyErrors.paths;
  if (policyErrors.rate) errors.rate = policyErrors.rate;
  let ttlSeconds: number | undefined;
  if (fields.ttl.trim() !== '') {
    const reading = readDuration(fields.ttl);
    if ('seconds' in reading) ttlSeconds = reading.seconds;
    else errors.ttl = reading.problem;
  }
  const label = fields.label.trim();
  if (label.length > 100) errors.label = POLICY_MESSAGES.label;
  if (Object.keys(errors).length > 0) return { errors };
  return {
    errors,
    input: {
      for: fields.for,
      ...(policy.maxUses !== undefined ? { uses: policy.maxUses } : {}),
      ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
      ...(policy.methods ? { methods: policy.methods } : {}),
      ...(policy.paths ? { paths: policy.paths } : {}),
      ...(policy.rate ? { rate: policy.rate } : {}),
      ...(label ? { label } : {}),
    },
  };
}
