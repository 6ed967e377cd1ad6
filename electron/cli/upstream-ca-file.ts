/** Reads the PEM file given to `--upstream-ca` (add and update). */
import { readFileSync } from 'node:fs';
import { usageError } from './fail.ts';

/**
 * The CA is read here, by the user's CLI, and sent with the request: the owner never opens user paths.
 * Whether it holds certificates is for the owner to decide (core/credentials/upstream-ca.ts), once, for
 * every client; here only an unreadable path is reported, with its errno so "no such file" is plain.
 */
export function readUpstreamCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw usageError(`Cannot read --upstream-ca ${file} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`);
  }
}
