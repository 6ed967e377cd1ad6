/**
 * Which calls leave an audit event (ok, or failed with the error code) and how each reads. Keyed by method name
 * and checked against the contract, so a renamed method fails to compile here instead of going unaudited; the
 * dispatcher (core/dispatch.ts) records the event around the service call.
 */
import type { ControlMethod } from '../../../shared/contract.ts';
import type { AuditMonitor } from './audit-monitor.ts';

interface Audited {
  action: string;
  /** The credential (or key) the call is about; never a secret argument. */
  subject: (args: readonly unknown[], result: unknown) => string | null;
  /** Secret-free words about what changed. */
  detail?: (args: readonly unknown[]) => string | undefined;
}

const firstName = (args: readonly unknown[]): string | null => (typeof args[0] === 'string' ? args[0].slice(0, 128) : null);
const fieldOf = (value: unknown, field: string): string | null => {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v.slice(0, 128) : null;
};
const patchFields = (patch: unknown): string | undefined =>
  patch && typeof patch === 'object' ? `changed ${Object.keys(patch).filter((k) => k !== 'token').join(', ') || 'nothing'}` : undefined;

const AUDITED = {
  add: { action: 'add', subject: (args) => fieldOf(args[0], 'name'), detail: (args) => (fieldOf(args[0], 'kind') ? `kind ${fieldOf(args[0], 'kind')}` : undefined) },
  update: { action: 'update', subject: firstName, detail: (args) => patchFields(args[1]) },
  remove: { action: 'remove', subject: firstName },
  login: { action: 'login', subject: firstName },
  rotate: { action: 'rotate', subject: firstName },
  revoke: { action: 'revoke', subject: firstName },
  rotateProxyKey: { action: 'key-rotate', subject: () => 'master' },
  createAccessKey: { action: 'key-create', subject: (args, result) => fieldOf(result, 'id') ?? fieldOf(args[0], 'name') },
  revokeAccessKey: { action: 'key-revoke', subject: firstName },
  setPolicy: { action: 'policy', subject: firstName, detail: (args) => patchFields(args[1]) },
} satisfies Partial<Record<ControlMethod, Audited>>;

type CallResult = { ok: true; value: unknown } | { ok: false; error: unknown };

/** One event for a call that ran, when its method is audited; the arguments are the validated ones. */
export function auditCall(monitor: Pick<AuditMonitor, 'event'>, method: ControlMethod, args: readonly unknown[], result: CallResult): void {
  const spec: Audited | undefined = (AUDITED as Partial<Record<ControlMethod, Audited>>)[method];
  if (!spec) return;
  const isKey = spec.action.startsWith('key-');
  if (result.ok) {
    const subject = spec.subject(args, result.value);
    const detail = spec.detail?.(args);
    monitor.event(spec.action, isKey ? null : subject, 'ok', isKey && subject ? { key: subject } : detail ? { detail } : {});
    return;
  }
  const code = (result.error as { code?: unknown })?.code;
  const subject = spec.subject(args, undefined);
  monitor.event(spec.action, isKey ? null : subject, 'failed', { ...(typeof code === 'string' ? { code } : {}), ...(isKey && subject ? { key: subject } : {}) });
}
