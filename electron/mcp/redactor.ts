/**
 * The exfiltration guard (SECURITY M1): every header and body an upstream returns is searched for the
 * credential's secrets by the owner (which holds them) and for this process's own key here, and each hit is
 * replaced before anything is shown to the agent. Any failure fails closed: nothing is returned.
 */
import type { ControlApi } from '../../shared/contract.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { applySpans, findSecretSpans, mergeSpans, secretForms } from '../core/redaction/secret-spans.ts';

/** Texts go to the owner in pieces that fit its control-socket line limit (1 MiB, JSON-escaped). */
const CHUNK_CHARS = 96 * 1024;
/** Pieces overlap by this much, so a secret form up to this long is always whole in one piece. */
const OVERLAP_CHARS = 48 * 1024;
const BATCH_CHARS = 128 * 1024;

interface Piece {
  text: number;
  offset: number;
  value: string;
}

function piecesOf(texts: readonly string[]): Piece[] {
  const pieces: Piece[] = [];
  texts.forEach((value, text) => {
    if (value.length <= CHUNK_CHARS + OVERLAP_CHARS) {
      pieces.push({ text, offset: 0, value });
      return;
    }
    for (let start = 0; start < value.length; start += CHUNK_CHARS) {
      const offset = Math.max(0, start - OVERLAP_CHARS);
      pieces.push({ text, offset, value: value.slice(offset, start + CHUNK_CHARS) });
    }
  });
  return pieces;
}

function batchesOf(pieces: Piece[]): Piece[][] {
  const batches: Piece[][] = [];
  let current: Piece[] = [];
  let size = 0;
  for (const piece of pieces) {
    if (current.length > 0 && (size + piece.value.length > BATCH_CHARS || current.length >= 256)) {
      batches.push(current);
      current = [];
      size = 0;
    }
    current.push(piece);
    size += piece.value.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export interface RedactOptions {
  /** The last text was cut short: a trailing start of a secret is redacted too. */
  openEnd?: boolean;
}

/**
 * Returns `texts` with every plain form of the credential's secrets and of `heldSecrets` replaced.
 * Throws (never returns partly checked text) when the owner cannot check them, e.g. while locked.
 */
export async function redactTexts(api: ControlApi, name: string, texts: readonly string[], heldSecrets: readonly string[], options: RedactOptions = {}): Promise<string[]> {
  const found: [number, number][][] = texts.map(() => []);
  const batches = batchesOf(piecesOf(texts));
  for (const [b, batch] of batches.entries()) {
    const openEnd = Boolean(options.openEnd) && b === batches.length - 1;
    const result = await api.secretSpans(name, batch.map((p) => p.value), { openEnd });
    if (result.longestForm > OVERLAP_CHARS && batch.some((p) => p.offset > 0 || p.value.length > CHUNK_CHARS)) {
      throw new TokenwardenError('ERR_INTERNAL', 'A secret of this credential is too long to be checked in a body this large.');
    }
    if (result.spans.length !== batch.length) throw new TokenwardenError('ERR_PROTOCOL', 'The owner answered the redaction check incompletely.');
    batch.forEach((piece, i) => {
      const spans = result.spans[i]!;
      for (let s = 0; s < spans.length; s += 2) found[piece.text]!.push([piece.offset + spans[s]!, piece.offset + spans[s + 1]!]);
    });
  }
  const heldForms = heldSecrets.flatMap(secretForms);
  return texts.map((text, i) => {
    const local = findSecretSpans(text, heldForms, { openEnd: Boolean(options.openEnd) && i === texts.length - 1 });
    for (let s = 0; s < local.length; s += 2) found[i]!.push([local[s]!, local[s + 1]!]);
    return applySpans(text, mergeSpans(found[i]!));
  });
}
