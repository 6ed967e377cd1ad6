/** Building and sealing audit lines: secret-free fields, query names only, and the HMAC chain (SECURITY L1, L2). */
import { createHmac } from 'node:crypto';
import type { AuditEntry } from '../../../shared/audit-model.ts';

/** An entry before the log numbers and seals it. */
export type AuditRecord = Omit<AuditEntry, 'seq' | 'ts'> & { ts?: string };

/** The first line of every segment file: where the chain continues from, so retention can drop older files (L2). */
export interface SegmentHeader {
  segment: number;
  /** seq of the first entry that follows in this file. */
  next: number;
  /** MAC of the entry before this file ('' at the very start of the log). */
  prev: string;
  mac: string;
}

export const EMPTY: Omit<AuditEntry, 'seq' | 'ts' | 'kind'> = {
  credential: null,
  key: null,
  mode: null,
  method: null,
  origin: null,
  path: null,
  status: null,
  durationMs: null,
  bytesIn: null,
  bytesOut: null,
  code: null,
  client: null,
  action: null,
  outcome: null,
  detail: null,
  alert: null,
};

/**
 * `/v1/items?api_key=SECRET&page=2` -> `/v1/items?api_key&page`: query values may carry secrets, names rarely do.
 * A fragment never reaches the proxy; anything after `#` is dropped anyway.
 */
export function pathWithQueryNames(path: string): string {
  const hash = path.indexOf('#');
  const clean = hash < 0 ? path : path.slice(0, hash);
  const q = clean.indexOf('?');
  if (q < 0) return clean.slice(0, 2048);
  const names: string[] = [];
  for (const part of clean.slice(q + 1).split('&')) {
    if (!part) continue;
    const eq = part.indexOf('=');
    names.push(eq < 0 ? part : part.slice(0, eq));
  }
  return `${clean.slice(0, q)}${names.length ? `?${names.join('&')}` : ''}`.slice(0, 2048);
}

/** The MAC input is the previous MAC and the exact JSON text of the line without its own MAC. */
export function macOf(key: Buffer, prev: string, body: string): string {
  return createHmac('sha256', key).update(prev).update('\n').update(body).digest('base64url');
}

/** `{"seq":…,…}` -> `{"seq":…,…,"mac":"…"}`: the MAC is always the last field, so the body is the line minus it. */
export function sealLine(key: Buffer, prev: string, body: string): { line: string; mac: string } {
  const mac = macOf(key, prev, body);
  return { line: `${body.slice(0, -1)},"mac":"${mac}"}`, mac };
}

/** Splits a sealed line into the body that was MACed and the MAC; undefined when the line has no MAC at its end. */
export function unsealLine(line: string): { body: string; mac: string } | undefined {
  const match = /,"mac":"([A-Za-z0-9_-]{43})"\}$/.exec(line);
  if (!match) return undefined;
  return { body: `${line.slice(0, match.index)}}`, mac: match[1]! };
}

export function headerBody(segment: number, next: number, prev: string): string {
  return JSON.stringify({ segment, next, prev });
}

/**
 * Entry body text with a stable field order; `ts` and `seq` first so readers can filter by time without parsing.
 * Fields that do not apply (null) are left out to keep lines short; readers put them back (`toEntry`).
 */
export function entryBody(seq: number, ts: string, record: AuditRecord): string {
  const { ts: _ignored, kind, ...rest } = record;
  const out: Record<string, unknown> = { ts, seq, kind };
  for (const [name, value] of Object.entries(rest)) if (value !== null && value !== undefined) out[name] = value;
  return JSON.stringify(out);
}

/** A parsed body back to a full entry, with every absent field null. */
export function toEntry(parsed: Record<string, unknown>): AuditEntry {
  const { ts, seq, kind, ...rest } = parsed;
  return { ts, seq, kind, ...EMPTY, ...rest } as AuditEntry;
}
