/** How much the owner audits, from the environment: TOKENWARDEN_AUDIT, TOKENWARDEN_AUDIT_MAX_BYTES, TOKENWARDEN_AUDIT_MAX_FILES. */
export interface AuditSettings {
  /** false: proxied requests are not audited (benchmarks); operations and alerts still are. */
  requests: boolean;
  maxFileBytes: number;
  maxFiles: number;
}

/** Unset or unparsable values fall back to the defaults: auditing on, 10 files of 10 MB. */
export function auditSettingsFromEnv(env: NodeJS.ProcessEnv): AuditSettings {
  const int = (value: string | undefined, fallback: number, min: number): number => {
    const n = Number(value);
    return value && Number.isInteger(n) && n >= min ? n : fallback;
  };
  return {
    requests: !/^(off|0|false|no)$/i.test(env.TOKENWARDEN_AUDIT ?? ''),
    maxFileBytes: int(env.TOKENWARDEN_AUDIT_MAX_BYTES, 10 * 1024 * 1024, 64 * 1024),
    maxFiles: int(env.TOKENWARDEN_AUDIT_MAX_FILES, 10, 1),
  };
}
