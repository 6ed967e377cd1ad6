/** The renderer's only door to main: wraps `window.tokenwarden`, unwrapping `{ok, value | error}` envelopes into values or ApiError. */
import { API_METHODS, type IpcEnvelope as Envelope, type TokenwardenApi } from '../shared/contract.ts';
import { ERROR_SPECS, isErrorCode, type ErrorCode, type ErrorPayload } from '../shared/errors.ts';
import type { AppEvent } from '../shared/model.ts';

export interface TokenwardenBridge {
  readonly [method: string]: unknown;
  onEvent(listener: (event: AppEvent) => void): () => void;
}

declare global {
  interface Window {
    tokenwarden?: TokenwardenBridge;
  }
}

/** Errors from main keep their code, so the UI can react to ERR_LOCKED, ERR_EXISTS and friends. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  constructor(payload: ErrorPayload) {
    super(payload.message);
    this.code = payload.code;
    this.name = 'ApiError';
  }
}

function bridge(): TokenwardenBridge {
  const b = window.tokenwarden;
  if (!b) throw new ApiError({ code: 'ERR_INTERNAL', message: 'The Tokenwarden bridge is missing; open this page inside the app.' });
  return b;
}

function unwrap(result: unknown): unknown {
  const env = result as Envelope | null;
  if (env && typeof env === 'object' && 'ok' in env) {
    if (env.ok) return env.value;
    const code = isErrorCode(env.error?.code) ? env.error.code : 'ERR_INTERNAL';
    throw new ApiError({ code, message: typeof env.error?.message === 'string' ? env.error.message : '' });
  }
  throw new ApiError({ code: 'ERR_PROTOCOL', message: 'Unexpected reply from the app.' });
}

function build(): TokenwardenApi {
  const out: Record<string, unknown> = {};
  for (const method of API_METHODS) {
    out[method] = async (...args: unknown[]) => {
      const fn = bridge()[method];
      if (typeof fn !== 'function') throw new ApiError({ code: 'ERR_PROTOCOL', message: `The app does not offer "${method}".` });
      let result: unknown;
      try {
        result = await (fn as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch {
        throw new ApiError({ code: 'ERR_INTERNAL', message: 'The app did not answer.' });
      }
      return unwrap(result);
    };
  }
  return out as unknown as TokenwardenApi;
}

export const api: TokenwardenApi = build();

export function onAppEvent(listener: (event: AppEvent) => void): () => void {
  const b = window.tokenwarden;
  if (!b || typeof b.onEvent !== 'function') return () => undefined;
  return b.onEvent(listener);
}

/** A readable sentence: the code's UI text plus the specific message, never a bare code. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const ui = ERROR_SPECS[err.code].ui;
    if (!err.message || err.message === ui) return ui;
    return `${ui} ${err.message}`;
  }
  return ERROR_SPECS.ERR_INTERNAL.ui;
}

export function errorCode(err: unknown): ErrorCode | null {
  return err instanceof ApiError ? err.code : null;
}
