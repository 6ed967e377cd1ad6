/** Pure alert rules over the audit event stream: each entry in, zero or more alert candidates out. */
import type { AlertKind, AlertLevel } from '../../../shared/audit-model.ts';
import type { AuditRecord } from './audit-entry.ts';

export interface AlertCandidate {
  kind: AlertKind;
  level: AlertLevel;
  credential: string | null;
  message: string;
  /** Repeats with the same key fold into one open alert. */
  dedupKey: string;
  /** `new-client`: acknowledging the alert makes this client known for the credential, so it never alerts again. */
  known?: { credential: string; client: string };
}

/** Proxy refusals that mean a key was used where it must not be. */
export const KEY_MISUSE_CODES = new Set(['ERR_KEY_REVOKED', 'ERR_KEY_EXPIRED', 'ERR_KEY_USED_UP', 'ERR_KEY_SCOPE', 'ERR_GATEWAY_KEY', 'ERR_PROXY_AUTH']);
/** A strict-mode CONNECT refusal for a host no credential is bound to. */
export const UNBOUND_DETAIL = 'unbound host';
/** A missing master key is a client misconfiguration, not misuse; only a wrong one counts. */
export const NO_KEY_PRESENTED = 'no key was presented';
const RATE_CODES = new Set(['ERR_RATE_LIMITED', 'ERR_CONCURRENCY']);

export const STORM_THRESHOLD = 5;
export const STORM_WINDOW_MS = 60_000;

export interface AlertRuleState {
  /** Clients the user acknowledged for each credential (alert-store.ts); persisted with the alerts. */
  knownClients: Map<string, Set<string>>;
}

/**
 * Stable identity of a client for `new-client`: the executable path, never the pid (every run of curl is a new
 * pid), refined by the X-Tokenwarden-Client name when one was sent (one node runs many MCP agents). The header alone
 * only where the OS told us nothing. Undefined when there is neither.
 */
export function clientId(record: Pick<AuditRecord, 'client'>): string | undefined {
  const client = record.client;
  if (!client) return undefined;
  if (client.exe) return client.name ? `${client.exe} ${client.name}` : client.exe;
  return client.name ?? undefined;
}

/** `/usr/bin/curl` -> `curl`; Windows paths too. */
function programName(exe: string): string {
  return exe.split(/[\\/]/).filter(Boolean).at(-1) ?? exe;
}

function newClientMessage(client: NonNullable<AuditRecord['client']>, credential: string): string {
  const program = client.exe ? programName(client.exe) : undefined;
  const label = client.name && program ? `${client.name} (via ${program})` : (client.name ?? program);
  return `${label} used "${credential}" for the first time${client.exe ? ` (${client.exe})` : ''}. Acknowledge this alert to mark it as known.`;
}

export class AlertRules {
  readonly #state: AlertRuleState;
  /** Recent upstream-401 times per credential. */
  readonly #unauthorized = new Map<string, number[]>();
  /**
   * `new-client` pairs (credential, client) already alerted in this process: until acknowledged they are not
   * known, yet one alert is enough. After a restart a repeat folds into the alert if it is still open.
   */
  readonly #alerted = new Set<string>();

  constructor(state: AlertRuleState) {
    this.#state = state;
  }

  observe(record: AuditRecord, now: number): AlertCandidate[] {
    if (record.kind === 'request') return this.#request(record, now);
    if (record.kind === 'event') return this.#event(record);
    return [];
  }

  #request(r: AuditRecord, now: number): AlertCandidate[] {
    const out: AlertCandidate[] = [];
    const name = r.credential;
    const label = name ? `"${name}"` : 'a credential';
    if (r.code === 'ERR_HOST_NOT_BOUND' || (r.code === 'ERR_FORBIDDEN' && r.detail === UNBOUND_DETAIL)) {
      out.push({ kind: 'unbound-host', level: 'warning', credential: name, message: `A request tried to use ${label} for ${r.origin ?? 'a host'}, which it is not bound to.`, dedupKey: `unbound-host|${name}|${r.origin}` });
    }
    if (r.code && KEY_MISUSE_CODES.has(r.code) && r.detail !== NO_KEY_PRESENTED) {
      out.push({ kind: 'key-misuse', level: 'warning', credential: name, message: `A request${name ? ` for "${name}"` : ''} was refused: ${describeKeyCode(r.code)}.`, dedupKey: `key-misuse|${name}|${r.key}|${r.code}` });
    }
    if ((r.code && RATE_CODES.has(r.code)) || (r.code === null && r.status === 429)) {
      const by = r.code ? 'Tokenwarden' : 'the upstream';
      out.push({ kind: 'rate-limited', level: 'warning', credential: name, message: `Requests with ${label} are being rate-limited by ${by}.`, dedupKey: `rate-limited|${name}` });
    }
    if (name && r.code === null && r.status === 401) {
      const since = now - STORM_WINDOW_MS;
      const times = (this.#unauthorized.get(name) ?? []).filter((t) => t > since);
      times.push(now);
      this.#unauthorized.set(name, times);
      if (times.length >= STORM_THRESHOLD) {
        out.push({ kind: 'upstream-401-storm', level: 'error', credential: name, message: `${times.length} upstream 401 answers for "${name}" within 60 s: the token may be revoked or lack a scope.`, dedupKey: `upstream-401-storm|${name}` });
      }
    }
    const client = clientId(r);
    if (name && client && !r.code && !this.#state.knownClients.get(name)?.has(client)) {
      const dedupKey = `new-client|${name}|${client}`;
      if (!this.#alerted.has(dedupKey)) {
        this.#alerted.add(dedupKey);
        out.push({ kind: 'new-client', level: 'info', credential: name, message: newClientMessage(r.client!, name), dedupKey, known: { credential: name, client } });
      }
    }
    return out;
  }

  #event(r: AuditRecord): AlertCandidate[] {
    const name = r.credential;
    if (r.action === 'refresh' && r.outcome === 'failed') {
      return [{ kind: 'refresh-failed', level: 'error', credential: name, message: `Refreshing "${name}" failed: ${(r.detail ?? r.code ?? 'unknown reason').replace(/\.+$/, '')}.`, dedupKey: `refresh-failed|${name}` }];
    }
    if (r.action === 'expiring') {
      return [{ kind: 'expiring-soon', level: 'warning', credential: name, message: `"${name}" cannot refresh itself and ${r.detail ?? 'expires within 10 minutes'}.`, dedupKey: `expiring-soon|${name}|${r.detail}` }];
    }
    if (r.action === 'login' && r.outcome === 'ok') this.#unauthorized.delete(name ?? '');
    return [];
  }
}

function describeKeyCode(code: string): string {
  switch (code) {
    case 'ERR_KEY_REVOKED':
      return 'the access key was revoked';
    case 'ERR_KEY_EXPIRED':
      return 'the access key has expired';
    case 'ERR_KEY_USED_UP':
      return 'the access key has no uses left';
    case 'ERR_KEY_SCOPE':
      return 'the access key does not cover it';
    default:
      return 'a wrong proxy key was presented';
  }
}
