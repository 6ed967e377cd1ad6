/**
 * Undoes an upstream's Content-Encoding before redaction (SECURITY M1): the redactor searches plain text, so a
 * gzip/deflate/br body would otherwise carry an echoed token past it. The MCP sender asks for identity, but an
 * upstream may compress anyway. Output is bounded (a small compressed body can expand enormously), and any
 * other encoding, or a stream that does not decode, fails closed: nothing of the body is returned.
 */
import { Readable } from 'node:stream';
import { constants, createBrotliDecompress, createGunzip, createInflate, createInflateRaw, type ZlibOptions } from 'node:zlib';
import { TokenwardenError } from '../core/errors.ts';
import { collectBounded } from './collect-bounded.ts';

export interface DecodedBody {
  body: Buffer;
  truncated: boolean;
}

/** The encodings that are checked; `undefined` when the body is plain (no header, or identity). */
export function contentEncodingOf(headers: readonly [string, string][]): string | undefined {
  const values = headers.filter(([name]) => name === 'content-encoding').flatMap(([, value]) => value.split(','));
  const codings = values.map((v) => v.trim().toLowerCase()).filter((v) => v !== '' && v !== 'identity');
  return codings.length === 0 ? undefined : codings.join(',');
}

function decoder(coding: string, body: Buffer, openEnd: boolean): NodeJS.ReadWriteStream | undefined {
  // A body cut at the cap ends mid-stream; a sync flush decodes what arrived instead of failing.
  const zlib: ZlibOptions = openEnd ? { finishFlush: constants.Z_SYNC_FLUSH } : {};
  if (coding === 'gzip' || coding === 'x-gzip') return createGunzip(zlib);
  // Servers send both zlib-wrapped and raw deflate as "deflate"; a zlib header has compression method 8.
  if (coding === 'deflate') return (body[0]! & 0x0f) === 0x08 ? createInflate(zlib) : createInflateRaw(zlib);
  if (coding === 'br') return createBrotliDecompress(openEnd ? { finishFlush: constants.BROTLI_OPERATION_FLUSH } : {});
  return undefined;
}

/**
 * Decodes `body` (which may itself have been cut: `openEnd`) up to `maxBytes` of output. Throws a coded error
 * that never quotes the upstream's header or bytes when the encoding is unknown or the stream is damaged.
 */
export async function decodeContent(coding: string, body: Buffer, openEnd: boolean, maxBytes: number): Promise<DecodedBody> {
  const stream = decoder(coding, body, openEnd);
  if (!stream) {
    throw new TokenwardenError('ERR_UPSTREAM', 'The upstream compressed its answer with an encoding Tokenwarden cannot check for secrets, so no body is returned.');
  }
  try {
    Readable.from([body]).pipe(stream as NodeJS.WritableStream);
    const decoded = await collectBounded(stream as AsyncIterable<Buffer>, maxBytes);
    return { body: decoded.body, truncated: openEnd || decoded.truncated };
  } catch {
    throw new TokenwardenError('ERR_UPSTREAM', 'The upstream sent a compressed answer that does not decode, so no body is returned.');
  } finally {
    (stream as unknown as { destroy(): void }).destroy();
  }
}
