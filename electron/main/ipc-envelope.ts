/** The IPC result envelope: Electron strips custom fields from thrown errors, so calls resolve `{ok,value}` or `{ok:false,error}`. */
import type { ErrorPayload } from '../../shared/errors.ts';

export type IpcEnvelope<T = unknown> = { ok: true; value: T } | { ok: false; error: ErrorPayload };
