/**
 * Records the service's state-changing operations as audit events (ok, or failed with the error code).
 * One list of audited operations, applied around the service instance, keeps the service free of audit plumbing.
 */
import type { AuditMonitor } from './audit-monitor.ts';

type Operation = (...args: unknown[]) => Promise<unknown>;

interface Audited {
  action: string;
  /** The credential (or key) the call is about; never a secret argument. */
  subject: (args: unknown[], result: unknown) => string | null;
  /** Secret-free words about what changed. */
  detail?: (args: unknown[]) => string | undefined;
}

const firstName = (args: unknown[]): string | null => (typeof args[0] === 'string' ? args[0].slice(0, 128) : null);
const fieldOf = (value: unknown, field: string): string | null => {
  const v = value && typeof value === 'object' ? (value as Record<string, unknown>)[field] : undefined;
  return typeof v === 'string' ? v.slice(0, 128) : null;
};
const patchFields = (patch: unknown): string | undefined =>
  patch && typeof patch === 'object' ? `changed ${Object.keys(patch).filter((k) => k !== 'token').join(', ') || 'nothing'}` : undefined;

/** Method name -> how its event reads. Access-key and policy methods are wrapped when the service has them. */
export const AUDITED_OPERATIONS: Record<string, Audited> = {
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
};

/** Wraps each listed method present on `service` so its outcome becomes one audit event. */
export function auditOperations(service: object, monitor: Pick<AuditMonitor, 'event'>): void {
  const target = service as Record<string, unknown>;
  for (const [method, spec] of Object.entries(AUDITED_OPERATIONS)) {
    const original = target[method];
    if (typeof original !== 'function') continue;
    const call = (original as Operation).bind(service);
    target[method] = async (...args: unknown[]) => {
      try {
        const result = await call(...args);
        const subject = spec.subject(args, result);
        const isKey = spec.action.startsWith('key-');
        monitor.event(spec.action, isKey ? null : subject, 'ok', isKey && subject ? { key: subject } : withDetail(spec.detail?.(args)));
        return result;
      } catch (err) {
        const code = (err as { code?: unknown })?.code;
        const subject = spec.subject(args, undefined);
        const isKey = spec.action.startsWith('key-');
        monitor.event(spec.action, isKey ? null : subject, 'failed', { ...(typeof code === 'string' ? { code } : {}), ...(isKey && subject ? { key: subject } : {}) });
        throw err;
      }
    };
  }
}

function withDetail(detail: string | undefined): { detail?: string } {
  return detail ? { detail } : {};
}
