/**
 * The project's one zod message formatter. Every boundary (core validation, control socket, IPC, CLI,
 * renderer forms) turns zod issues into human text here, so a user never sees `0: Invalid input` or
 * `1.token: …`. Messages are built from the issue's structure and never from the rejected value,
 * which may be a pasted token.
 */
import type { z } from 'zod';
import { FIELD_LABELS } from './human-messages.ts';

type Issue = z.core.$ZodIssue;

/** Drops tuple positions (IPC and control-socket arguments are tuples) so the path names a field. */
function fieldPath(path: readonly PropertyKey[]): PropertyKey[] {
  let start = 0;
  while (start < path.length && typeof path[start] === 'number') start += 1;
  return path.slice(start);
}

/** The label for a path: `hosts.1` is "Host 2", `oauth.clientId` is "Client ID", unknown keys are quoted. */
export function fieldLabel(path: readonly PropertyKey[]): string | null {
  const p = fieldPath(path);
  const keyIndex = p.findLastIndex((k) => typeof k === 'string');
  if (keyIndex < 0) return null;
  const key = String(p[keyIndex]);
  const label = FIELD_LABELS[key] ?? `"${key}"`;
  const index = p[keyIndex + 1];
  if (key === 'hosts' && typeof index === 'number') return `Host ${index + 1}`;
  return label;
}

const plural = (n: number | bigint, word: string): string => `${n} ${word}${Number(n) === 1 ? '' : 's'}`;

/** A predicate about the field ("must be text"), built from the issue's shape alone. */
function predicate(issue: Issue): string | null {
  switch (issue.code) {
    case 'invalid_type':
      return issue.expected === 'undefined' ? 'is not expected here' : `is missing or is not ${article(issue.expected)}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'is empty' : `needs at least ${plural(issue.minimum, 'character')}`;
      if (issue.origin === 'array') return `needs at least ${plural(issue.minimum, 'entry')}`.replace('entrys', 'entries');
      return `must be ${issue.inclusive === false ? 'more than' : 'at least'} ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `is longer than ${plural(issue.maximum, 'character')}`;
      if (issue.origin === 'array') return `has more than ${plural(issue.maximum, 'entry')}`.replace('entrys', 'entries');
      return `must be ${issue.inclusive === false ? 'less than' : 'at most'} ${issue.maximum}`;
    case 'invalid_format':
      return issue.format === 'url' ? 'must be a URL like https://example.com' : `is not a valid ${issue.format}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => String(v)).join(', ')}`;
    case 'unrecognized_keys':
      return null;
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return null;
  }
}

function article(type: string): string {
  const noun = { string: 'text', number: 'a number', boolean: 'true or false', array: 'a list', tuple: 'a list', object: 'an object' }[type];
  return noun ?? `a ${type}`;
}

/** Zod's own English (e.g. "Invalid input: expected string") is replaced; our schema messages are kept. */
const ZOD_DEFAULT = /^(Invalid input|Invalid option|Invalid (string|key|element|value|union)|Too (small|big)|Unrecognized key|Number must|String must|Expected )/;

/** A union is reported through the branch that came closest, so the user reads its issues, not "Invalid input". */
export function flattenIssues(issues: readonly Issue[]): Issue[] {
  return issues.flatMap((issue) => {
    if (issue.code !== 'invalid_union' || issue.errors.length === 0) return [issue];
    const closest = [...issue.errors].sort((a, b) => score(a) - score(b))[0] ?? [];
    if (closest.length === 0) return [issue];
    return flattenIssues(closest.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] }) as Issue));
  });
}

/** One issue as one sentence. */
export function issueMessage(issue: Issue): string {
  if (issue.code === 'invalid_union') {
    const label = fieldLabel(issue.path);
    return label === 'Kind' || fieldPath(issue.path).length === 0 ? 'The kind must be static, exec or oauth.' : `${label ?? 'The input'} is not valid.`;
  }
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `"${k.slice(0, 40)}"`).join(', ');
    return `Unknown field${issue.keys.length === 1 ? '' : 's'} ${keys}.`;
  }
  if (issue.message && !ZOD_DEFAULT.test(issue.message)) return issue.message;
  const label = fieldLabel(issue.path) ?? 'The input';
  const what = predicate(issue) ?? 'is not valid';
  return `${label} ${what}.`;
}

/** A branch that failed only on its `kind` literal is the wrong branch; otherwise fewer issues = closer. */
function score(issues: readonly Issue[]): number {
  const wrongKind = issues.some((i) => i.code === 'invalid_value' && fieldPath(i.path).at(-1) === 'kind');
  return issues.length + (wrongKind ? 1000 : 0);
}

/** Up to three issues on one line, for the CLI, the control socket and IPC. */
export function formatIssues(error: { issues: readonly Issue[] }, max = 3): string {
  const issues = flattenIssues(error.issues);
  const seen = new Set<string>();
  let used = 0;
  for (const issue of issues) {
    if (seen.size >= max) break;
    seen.add(issueMessage(issue));
    used += 1;
  }
  const more = used < issues.length ? ` (${issues.length - used} more)` : '';
  const text = [...seen].join(' ');
  return text ? `${text}${more}`.slice(0, 600) : 'The input is not valid.';
}

/** The first message per top-level field, for showing next to form inputs; `_form` for the rest. */
export function fieldMessages(error: { issues: readonly Issue[] }): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const issue of flattenIssues(error.issues)) {
    const key = fieldPath(issue.path)[0];
    const field = typeof key === 'string' ? key : '_form';
    out[field] ??= issueMessage(issue);
  }
  return out;
}
