/** Builds the AddInput object from the form's strings and validates it with the contract's own schemas. */
import { AddExecInput, AddOAuthInput, AddStaticInput } from '../../../shared/contract.ts';
import type { Grant } from '../../../shared/model.ts';
import { fieldErrors, splitHosts, type FieldErrors } from '../../lib/form-errors.ts';
import type { CommonValues } from './common-fields.tsx';

export type AddTab = 'static' | 'oauth' | 'exec';

export interface FormValues {
  common: CommonValues;
  token: string;
  expiresInMinutes: string;
  issuer: string;
  clientId: string;
  clientSecret: string;
  grant: Grant;
  scope: string;
  audience: string;
  refreshToken: string;
  command: string;
}

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

export function buildAddInput(tab: AddTab, v: FormValues): { ok: true; input: unknown } | { ok: false; errors: FieldErrors } {
  const common = {
    name: v.common.name.trim(),
    hosts: splitHosts(v.common.hosts),
    authPolicy: v.common.authPolicy,
    allowInsecureLoopback: v.common.allowInsecureLoopback,
  };
  let candidate: Record<string, unknown>;
  let schema: typeof AddStaticInput | typeof AddExecInput | typeof AddOAuthInput;
  if (tab === 'static') {
    const minutes = opt(v.expiresInMinutes);
    candidate = { kind: 'static', ...common, token: v.token.trim(), ...(minutes ? { expiresIn: Math.round(Number(minutes) * 60) } : {}) };
    schema = AddStaticInput;
  } else if (tab === 'exec') {
    candidate = { kind: 'exec', ...common, command: v.command.trim() };
    schema = AddExecInput;
  } else {
    candidate = {
      kind: 'oauth',
      ...common,
      issuer: v.issuer.trim(),
      clientId: v.clientId.trim(),
      grant: v.grant,
      ...(opt(v.clientSecret) ? { clientSecret: v.clientSecret.trim() } : {}),
      ...(opt(v.scope) ? { scope: v.scope.trim() } : {}),
      ...(opt(v.audience) ? { audience: v.audience.trim() } : {}),
      ...(v.grant === 'refresh-token' && opt(v.refreshToken) ? { refreshToken: v.refreshToken.trim() } : {}),
    };
    schema = AddOAuthInput;
  }
  const parsed = schema.safeParse(candidate);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    if (errors.expiresIn) errors.expiresInMinutes = 'Use a whole number of minutes (at most 10 years).';
    return { ok: false, errors };
  }
  // Send the raw candidate: main parses again and applies defaults itself.
  return { ok: true, input: candidate };
}
