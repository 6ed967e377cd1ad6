/**
 * The encodings of one secret that redaction looks for as text (SECURITY M1): the secret itself, its bytes as
 * hex and its base64 at each of the three byte alignments. Escaped forms (JSON, HTML, percent,
 * quoted-printable, spaced-out, UTF-16) are not listed: the matcher also searches the normalised view of every
 * text, where they read as the secret again.
 */
import { normalise } from './normalised-view.ts';

/**
 * An encoding of a secret shorter than this is not searched for: a few hex or base64 characters occur in
 * ordinary text by chance, and such a secret is guessable anyway. The secret itself is always searched.
 */
export const MIN_ENCODED_LENGTH = 10;

/**
 * The base64 characters that depend only on the secret when its bytes start `alignment` bytes into a 3-byte
 * group: what any base64 text holding the secret at that alignment contains, whatever comes before or after.
 * The base64 of `Bearer <secret>` is the alignment-1 core with "Bearer " in front, so it needs no form of its own.
 */
export function base64Core(bytes: Buffer, alignment: 0 | 1 | 2): string {
  const encoded = Buffer.concat([Buffer.alloc(alignment), bytes, Buffer.alloc(2)]).toString('base64');
  const first = Math.ceil((8 * alignment) / 6);
  const end = Math.floor((8 * (alignment + bytes.length)) / 6);
  return end > first ? encoded.slice(first, end) : '';
}

/** The distinct text forms of `secret` (letter case and the base64url alphabet are folded by the matcher). */
export function encodedForms(secret: string): string[] {
  if (!secret) return [];
  const bytes = Buffer.from(secret, 'utf8');
  const forms = new Set<string>([secret]);
  // A secret that itself holds spaces or escape-like sequences reads differently in the normalised view.
  const normalised = normalise(secret);
  if (normalised) forms.add(normalised);
  // A binary body is searched as latin1 characters, one per byte: a non-ASCII secret is its UTF-8 bytes there.
  forms.add(bytes.toString('latin1'));
  for (const encoded of [bytes.toString('hex'), base64Core(bytes, 0), base64Core(bytes, 1), base64Core(bytes, 2)]) {
    if (encoded.length >= MIN_ENCODED_LENGTH) forms.add(encoded);
  }
  return [...forms];
}
