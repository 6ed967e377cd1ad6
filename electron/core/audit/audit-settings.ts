/** How much the owner audits; read from the environment by core/config.ts. */
export interface AuditSettings {
  /** false: proxied requests are not audited (benchmarks); operations and alerts still are. */
  requests: boolean;
  maxFileBytes: number;
  maxFiles: number;
}

/** Auditing on, 10 files of 10 MB. */
export const DEFAULT_AUDIT_SETTINGS: AuditSettings = { requests: true, maxFileBytes: 10 * 1024 * 1024, maxFiles: 10 };
