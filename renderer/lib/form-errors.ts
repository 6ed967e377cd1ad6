/** Turns a zod error into per-field messages for inline display (the same schemas main validates with). */
import type { z } from 'zod';

export type FieldErrors = Partial<Record<string, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? String(issue.path[0]) : '_form';
    // Keep the first message per field: it is the one the user should fix first.
    if (!out[key]) out[key] = issue.message;
  }
  return out;
}

/** Hosts are typed one per line or comma-separated. */
export function splitHosts(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter(Boolean);
}
