/** The service's audit queries (SECURITY L1–L5): core/audit owns the log, stats and alerts; these only delegate. */
import type { AckInput, AckResult, AlertItem, AlertsQuery, AuditQuery, AuditQueryResult, AuditVerifyResult, StatsQuery, StatsReport } from '../../shared/audit-model.ts';
import type { AuditMonitor } from './audit/audit-monitor.ts';

export class AuditQueries {
  readonly #audit: AuditMonitor;

  constructor(audit: AuditMonitor) {
    this.#audit = audit;
  }

  async auditQuery(query: AuditQuery = {}): Promise<AuditQueryResult> {
    return this.#audit.query(query);
  }

  async auditVerify(): Promise<AuditVerifyResult> {
    return this.#audit.verify();
  }

  async stats(query: StatsQuery = {}): Promise<StatsReport> {
    return this.#audit.report(query.since);
  }

  async alerts(query: AlertsQuery = {}): Promise<AlertItem[]> {
    return this.#audit.list(query.all);
  }

  async ackAlert(input: AckInput): Promise<AckResult> {
    return { acknowledged: this.#audit.acknowledge(input) };
  }
}
