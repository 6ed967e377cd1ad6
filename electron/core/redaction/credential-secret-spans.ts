/**
 * The owner side of MCP redaction: finds a credential's secrets in texts without handing them out, so the
 * MCP process never holds an upstream token (SECURITY M1). Only positions cross the control socket.
 */
import type { SecretSpans, SecretSpansOptions } from '../../../shared/contract.ts';
import type { CredentialRecord } from '../credentials/credential-record.ts';
import { applySpans, findSecretSpans, secretForms } from './secret-spans.ts';

/** Every secret the record holds: whatever of these an upstream echoes must not reach an agent. */
export function recordSecrets(record: CredentialRecord): string[] {
  const t = record.tokens;
  return [t?.accessToken, t?.refreshToken, t?.idToken, record.oauth?.clientSecret].filter((s): s is string => Boolean(s));
}

/**
 * The forms of a record's secrets, kept while the record object lives: records are replaced, never mutated, so
 * every check of one response (and of the next, until a refresh) reuses one forms array and so one matcher
 * (see matcherFor). Keyed weakly: when the vault drops its records (lock), this goes with them (S6).
 */
const formsByRecord = new WeakMap<CredentialRecord, { extras: readonly string[]; forms: string[] }>();

function formsOf(record: CredentialRecord, extraSecrets: readonly string[]): string[] {
  const cached = formsByRecord.get(record);
  if (cached && cached.extras.length === extraSecrets.length && cached.extras.every((s, i) => s === extraSecrets[i])) return cached.forms;
  const forms = [...recordSecrets(record), ...extraSecrets].flatMap(secretForms);
  formsByRecord.set(record, { extras: [...extraSecrets], forms });
  return forms;
}

export function credentialSecretSpans(record: CredentialRecord, extraSecrets: readonly string[], texts: readonly string[], options: SecretSpansOptions = {}): SecretSpans {
  const forms = formsOf(record, extraSecrets);
  const last = texts.length - 1;
  return {
    spans: texts.map((text, i) => findSecretSpans(text, forms, { openEnd: Boolean(options.openEnd) && i === last })),
    longestForm: forms.reduce((max, form) => Math.max(max, form.length), 0),
  };
}

/**
 * `text` with every secret of the record cut out: for text someone else chose (an identity provider's
 * error_description, a command's output) before it becomes lastError, an alert or an error message, all of
 * which are stored, shown and readable by an agent (SECURITY L1, M1).
 */
export function withoutRecordSecrets(record: CredentialRecord, text: string): string {
  return applySpans(text, credentialSecretSpans(record, [], [text]).spans[0]!);
}
