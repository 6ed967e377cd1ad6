/**
 * Recognises compressed bytes by their first bytes, whatever Content-Encoding says (SECURITY M1): an upstream
 * can send gzip unlabelled, or label deflate `identity`, and a redactor that trusts the label then searches
 * compressed bytes in which no token is visible.
 */

/** A compression Tokenwarden decodes (`zstd` only where this Node has it) or can only recognise. */
export type SniffedCompression = 'gzip' | 'zlib' | 'zstd' | 'xz' | 'bzip2';

const startsWith = (bytes: Buffer, magic: readonly number[]): boolean => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

const GZIP = [0x1f, 0x8b, 0x08];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const XZ = [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00];
/** "BZh", a block size digit, then the block magic (π's digits in BCD). */
const BZIP2_BLOCK = [0x31, 0x41, 0x59, 0x26, 0x53, 0x59];

/**
 * The zlib header zlib itself writes: deflate with a 32 KiB window (0x78), no preset dictionary, and one of the
 * four level flags (the header checksum makes exactly these four valid). Other windows are legal but so rare
 * that matching them would mistake ordinary binary data for zlib.
 */
function isZlibHeader(bytes: Buffer): boolean {
  return bytes.length >= 2 && bytes[0] === 0x78 && (bytes[1] === 0x01 || bytes[1] === 0x5e || bytes[1] === 0x9c || bytes[1] === 0xda);
}

export function sniffCompression(bytes: Buffer): SniffedCompression | undefined {
  if (startsWith(bytes, GZIP)) return 'gzip';
  if (isZlibHeader(bytes)) return 'zlib';
  if (startsWith(bytes, ZSTD)) return 'zstd';
  if (startsWith(bytes, XZ)) return 'xz';
  if (bytes.length >= 10 && bytes[0] === 0x42 && bytes[1] === 0x5a && bytes[2] === 0x68 && bytes[3]! >= 0x31 && bytes[3]! <= 0x39 && startsWith(bytes.subarray(4), BZIP2_BLOCK)) {
    return 'bzip2';
  }
  return undefined;
}

/** A place past the start of a body where compressed bytes may begin, and what they would be. */
export interface EmbeddedCompression {
  offset: number;
  kind: SniffedCompression;
}

/**
 * Every offset after the first at which compressed bytes could start (SECURITY M1): an upstream can put text, a
 * multipart boundary or a single byte before a gzip member, and an agent strips that and gunzips the rest. gzip
 * is only taken with its reserved flag bits clear, as gunzip itself requires.
 */
export function findEmbeddedCompression(bytes: Buffer): EmbeddedCompression[] {
  const found: EmbeddedCompression[] = [];
  for (let offset = 1; offset < bytes.length - 1; offset++) {
    const b = bytes[offset];
    if (b !== 0x1f && b !== 0x78 && b !== 0x28 && b !== 0xfd && b !== 0x42) continue;
    const rest = bytes.subarray(offset);
    if (b === 0x1f && startsWith(rest, GZIP) && rest.length > 3 && (rest[3]! & 0xe0) === 0) found.push({ offset, kind: 'gzip' });
    else if (b !== 0x1f) {
      const kind = sniffCompression(rest);
      if (kind) found.push({ offset, kind });
    }
  }
  return found;
}
