/** Per-field messages for inline display: the shared formatter over the same schemas main validates with. */
import type { z } from 'zod';
import { fieldMessages } from '../../shared/issue-messages.ts';

export type FieldErrors = Partial<Record<string, string>>;

export function fieldErrors(error: z.ZodError): FieldErrors {
  return fieldMessages(error);
}

/** Hosts are typed one per line or comma-separated. */
export function splitHosts(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter(Boolean);
}
