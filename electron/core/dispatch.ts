/**
 * The one dispatcher. Main's IPC handler, the control socket and the in-process API (the CLI without an owner,
 * `tkw mcp` as the owner, the app's own tray) all call the service through here: the arguments are validated
 * once against ARG_SCHEMAS, the reveal gate and the face's own check run, the two methods that take the caller's
 * context get it, the outcome is audited, and a failure becomes its {code, message} payload.
 */
import { ARG_SCHEMAS, isApiMethod, isControlMethod, type ApiMethod, type CallOutcome, type ControlMethod, type ControlOnlyApi, type TokenwardenApi } from '../../shared/contract.ts';
import { toErrorPayload } from '../../shared/errors.ts';
import { formatIssues } from '../../shared/issue-messages.ts';
import { auditCall } from './audit/audited-methods.ts';
import type { AuditMonitor } from './audit/audit-monitor.ts';
import { TokenwardenError } from './base/errors.ts';
import { isRevealMethod, type RevealCaller, type RevealGate } from './reveal/reveal-gate.ts';

export interface CallContext {
  /** The window may name only API_METHODS (SECURITY E5); the control socket and in-process callers every method. */
  methods: 'api' | 'control';
  /** Who is calling, for the reveal gate; asked only when a reveal needs it (naming a socket peer walks /proc). */
  caller(): Promise<RevealCaller>;
  /** Aborted when the caller goes away: an interactive login stops with it. */
  signal?: AbortSignal;
  /** The caller's connection: a `whileConnected` access key lives no longer. */
  connection?: AbortSignal;
  /** The face's own check between validation and the service: main's confirmation dialogs (E5, E9). */
  confirm?: (method: ApiMethod, args: readonly unknown[]) => Promise<void>;
}

interface DispatchParts {
  /** The service; a window-only fake may lack the control-only methods. */
  service: TokenwardenApi & Partial<ControlOnlyApi>;
  audit?: Pick<AuditMonitor, 'event'>;
  /** "Ask before revealing a token" (desktop only); the daemon has none and never asks. */
  reveal?: RevealGate;
}

/** The service methods that take the caller's context after the contract's arguments, when there is one. */
const CONTEXT_ARGUMENTS = {
  // A login ends with its caller: Ctrl-C in the CLI closes the connection, which cancels it.
  login: (context) => (context.signal ? { signal: context.signal } : undefined),
  // A `whileConnected` key (tkw exec) is revoked when its connection closes, even if the CLI is killed.
  createAccessKey: (context) => (context.connection ? { connection: context.connection } : undefined),
} satisfies Partial<Record<ControlMethod, (context: CallContext) => object | undefined>>;

type Method = (...args: unknown[]) => Promise<unknown>;

export class Dispatcher {
  readonly #parts: DispatchParts;

  constructor(parts: DispatchParts) {
    this.#parts = parts;
  }

  /** For transports: never throws. */
  async call(name: unknown, rawArgs: unknown, context: CallContext): Promise<CallOutcome> {
    const known = context.methods === 'api' ? isApiMethod(name) : isControlMethod(name);
    if (!known) return failed('method', new TokenwardenError('ERR_INVALID_INPUT', 'Unknown method.'));
    const method = name as ControlMethod;
    const parsed = ARG_SCHEMAS[method].safeParse(rawArgs);
    if (!parsed.success) return failed('arguments', new TokenwardenError('ERR_INVALID_INPUT', formatIssues(parsed.error)));
    const args = parsed.data as unknown[];
    try {
      await this.#gates(method, args, context);
    } catch (err) {
      return failed('call', err);
    }
    const fn = this.#parts.service[method] as Method | undefined;
    if (!fn) return failed('method', new TokenwardenError('ERR_NOT_AVAILABLE', 'This owner does not serve that method.'));
    const extra = method in CONTEXT_ARGUMENTS ? CONTEXT_ARGUMENTS[method as keyof typeof CONTEXT_ARGUMENTS](context) : undefined;
    try {
      const value = await fn.apply(this.#parts.service, extra ? [...args, extra] : args);
      if (this.#parts.audit) auditCall(this.#parts.audit, method, args, { ok: true, value });
      return { ok: true, value };
    } catch (err) {
      if (this.#parts.audit) auditCall(this.#parts.audit, method, args, { ok: false, error: err });
      return failed('call', err);
    }
  }

  /** For in-process callers: the value, or the service's own error thrown. */
  async invoke(method: ControlMethod, args: unknown[], context: CallContext): Promise<unknown> {
    const outcome = await this.call(method, args, context);
    if (outcome.ok) return outcome.value;
    throw outcome.cause;
  }

  async #gates(method: ControlMethod, args: readonly unknown[], context: CallContext): Promise<void> {
    if (this.#parts.reveal && isRevealMethod(method)) {
      await this.#parts.reveal.check({ method, name: args[0] as string, caller: await context.caller() });
    }
    if (context.confirm && isApiMethod(method)) await context.confirm(method, args);
  }
}

function failed(stage: 'method' | 'arguments' | 'call', cause: unknown): CallOutcome {
  return { ok: false, error: toErrorPayload(cause), stage, cause };
}
