/**
 * Undoes every compression layer of a response body before redaction searches it (SECURITY M1): first the
 * Content-Encoding the upstream declared, then, again and again, whatever the bytes themselves say they are
 * (gzip inside gzip, gzip sent without a header, zlib labelled `identity`). The redactor only sees plain bytes,
 * so the caller returns the decoded body, never the compressed one whose contents it could not search.
 *
 * Bounded and fail-closed: every layer decodes to at most `maxBytes` (a small bomb stays small; the cut end is
 * then open, like any truncated body), at most `maxLayers` layers are undone, and a body that is still
 * compressed after that, uses an encoding Tokenwarden cannot decode, or does not decode, is an error: nothing
 * of it is returned, and the message quotes none of it.
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { TokenwardenError } from '../base/errors.ts';
import { findEmbeddedCompression, sniffCompression } from './compression-magic.ts';

/** gzip in gzip is two; a deeper stack is an upstream hiding something, not an API answering. */
export const MAX_LAYERS = 4;

/**
 * The most places past a body's start that are tried as compressed data. Random binary bytes look like a zlib
 * header about once in 16 KiB, so an ordinary binary body stays well under this; more is refused, not skipped.
 */
export const MAX_EMBEDDED = 256;

export interface BodyLayersOptions {
  /** The Content-Encoding header values as received (e.g. `['gzip']`, `['gzip, br']`); identity is ignored. */
  contentEncoding?: readonly string[];
  /** The body was cut: decoding accepts the missing end, and the decoded body is cut too. */
  truncated: boolean;
  /** The most bytes one layer may decode to. */
  maxBytes: number;
  maxLayers?: number;
}

export interface DecodedBody {
  body: Buffer;
  truncated: boolean;
  /** The codings undone, outermost first (`['gzip', 'gzip']`); empty when the body was plain. */
  decoded: string[];
  /**
   * What compressed data found past the start of the body decodes to (every layer undone), present only when
   * there was some. The body itself still holds those compressed bytes, so the caller must search these too
   * and refuse the body when one holds a secret: a redactor cannot cut a secret out of compressed bytes.
   */
  embedded?: Buffer[];
}

/** The declared codings in the order they were applied (Content-Encoding lists them that way). */
export function declaredCodings(values: readonly string[] = []): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v !== '' && v !== 'identity');
}

type ZstdFactory = (options?: object) => NodeJS.ReadWriteStream;
/** Node has zstd from 22.15 / 23.8; an older one cannot check a zstd body, so it is refused. */
const createZstd = (zlib as unknown as { createZstdDecompress?: ZstdFactory }).createZstdDecompress;

function decoder(coding: string, body: Buffer, openEnd: boolean): NodeJS.ReadWriteStream | undefined {
  // A body cut short ends mid-stream; a sync flush decodes what arrived instead of failing.
  const options: zlib.ZlibOptions = openEnd ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {};
  switch (coding) {
    case 'gzip':
    case 'x-gzip':
      return zlib.createGunzip(options);
    case 'zlib':
      return zlib.createInflate(options);
    case 'deflate':
      // Servers send both zlib-wrapped and raw deflate as "deflate"; a zlib header has compression method 8.
      return (body[0]! & 0x0f) === 0x08 ? zlib.createInflate(options) : zlib.createInflateRaw(options);
    case 'br':
      return zlib.createBrotliDecompress(openEnd ? { finishFlush: zlib.constants.BROTLI_OPERATION_FLUSH } : {});
    case 'zstd':
      return createZstd?.(openEnd ? { finishFlush: zlib.constants.ZSTD_e_flush } : {});
    default:
      return undefined;
  }
}

/** Decodes one layer into at most `maxBytes`; throws (whatever the stream says) when it does not decode. */
async function decodeOne(stream: NodeJS.ReadWriteStream, input: Buffer, maxBytes: number): Promise<{ body: Buffer; cut: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    Readable.from([input]).pipe(stream as NodeJS.WritableStream);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (size + chunk.length > maxBytes) {
        chunks.push(chunk.subarray(0, maxBytes - size));
        return { body: Buffer.concat(chunks, maxBytes), cut: true };
      }
      chunks.push(chunk);
      size += chunk.length;
    }
    return { body: Buffer.concat(chunks, size), cut: false };
  } finally {
    (stream as unknown as { destroy(): void }).destroy();
  }
}

const refuse = (why: string): TokenwardenError => new TokenwardenError('ERR_UPSTREAM', `${why}, so no body is returned.`);

interface Layer {
  body: Buffer;
  truncated: boolean;
}

async function undo(coding: string, layer: Layer, maxBytes: number): Promise<Layer> {
  const stream = decoder(coding, layer.body, layer.truncated);
  if (!stream) throw refuse(`The upstream's answer is compressed with an encoding Tokenwarden cannot check for secrets`);
  try {
    const { body, cut } = await decodeOne(stream, layer.body, maxBytes);
    return { body, truncated: layer.truncated || cut };
  } catch {
    throw refuse('The upstream sent a compressed answer that does not decode');
  }
}

/** Plain text that merely starts like a zlib header ("x^2…") is not compressed: it is searched as it is. */
const looksLikeText = (bytes: Buffer): boolean => !bytes.includes(0) && isUtf8(bytes);

/**
 * Decodes whatever an agent's gunzip (or inflate, or unzstd) would get from these bytes, up to `maxBytes`: a
 * member followed by more bytes, or damaged part-way, still yields what came before, so that is kept.
 */
async function decodeLeniently(coding: 'gzip' | 'zlib' | 'zstd', input: Buffer, maxBytes: number): Promise<Buffer> {
  // Node's gunzip fails on bytes after a member, dropping what it decoded; raw inflate of the member's deflate
  // data stops where that data ends, as zlib and zstd do.
  const start = coding === 'gzip' ? gzipDataStart(input) : 0;
  if (start === undefined) return Buffer.alloc(0);
  const data = input.subarray(start);
  const stream = coding === 'gzip' ? zlib.createInflateRaw({ finishFlush: zlib.constants.Z_SYNC_FLUSH }) : decoder(coding, data, true);
  if (!stream) throw refuse(`The upstream's answer holds ${coding} data, which Tokenwarden cannot check for secrets`);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    Readable.from([data]).pipe(stream as NodeJS.WritableStream);
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const room = Math.min(chunk.length, maxBytes - size);
      chunks.push(chunk.subarray(0, room));
      size += room;
      if (size >= maxBytes) break;
    }
  } catch {
    // Bytes that stop decoding are where the compressed data ends (or were never compressed data at all).
  } finally {
    (stream as unknown as { destroy(): void }).destroy();
  }
  return Buffer.concat(chunks, size);
}

/** Where a gzip member's deflate data starts, past the optional extra field, name, comment and header CRC (RFC 1952). */
function gzipDataStart(member: Buffer): number | undefined {
  const flags = member[3]!;
  let at = 10;
  if (flags & 0x04) at = member.length >= at + 2 ? at + 2 + member.readUInt16LE(at) : Infinity;
  for (const flag of [0x08, 0x10]) {
    if (!(flags & flag)) continue;
    const end = member.indexOf(0, at);
    at = end < 0 ? Infinity : end + 1;
  }
  if (flags & 0x02) at += 2;
  return at < member.length ? at : undefined;
}

interface Budget {
  tries: number;
}

/** Decodes compressed data that starts anywhere past the first byte; nothing there that cannot be decoded is let through. */
async function decodeEmbedded(body: Buffer, maxBytes: number, maxLayers: number, budget: Budget): Promise<Buffer[]> {
  const out: Buffer[] = [];
  for (const { offset, kind } of findEmbeddedCompression(body)) {
    if (kind === 'xz' || kind === 'bzip2') throw refuse(`The upstream's answer holds ${kind} data, which Tokenwarden cannot check for secrets`);
    if (++budget.tries > MAX_EMBEDDED) throw refuse(`The upstream's answer holds more than ${MAX_EMBEDDED} places that may be compressed data`);
    const member = await decodeLeniently(kind, body.subarray(offset), maxBytes);
    if (member.length === 0) continue;
    if (maxLayers <= 0) throw refuse(`The upstream's answer is compressed more than ${MAX_LAYERS} times over`);
    const inner = await decodeAll(member, { truncated: true, maxBytes, maxLayers }, budget);
    out.push(inner.body, ...(inner.embedded ?? []));
  }
  return out;
}

export async function decodeBodyLayers(body: Buffer, options: BodyLayersOptions): Promise<DecodedBody> {
  return decodeAll(body, options, { tries: 0 });
}

async function decodeAll(body: Buffer, options: BodyLayersOptions, budget: Budget): Promise<DecodedBody> {
  const maxLayers = options.maxLayers ?? MAX_LAYERS;
  const decoded: string[] = [];
  let layer: Layer = { body, truncated: options.truncated };
  const tooDeep = () => refuse(`The upstream's answer is compressed more than ${maxLayers} times over`);
  for (const coding of declaredCodings(options.contentEncoding).reverse()) {
    if (decoded.length >= maxLayers) throw tooDeep();
    layer = await undo(coding, layer, options.maxBytes);
    decoded.push(coding);
  }
  for (let sniffed = sniffCompression(layer.body); sniffed; sniffed = sniffCompression(layer.body)) {
    if (sniffed === 'xz' || sniffed === 'bzip2') throw refuse(`The upstream's answer is ${sniffed} data, which Tokenwarden cannot check for secrets`);
    if (decoded.length >= maxLayers) throw tooDeep();
    try {
      layer = await undo(sniffed, layer, options.maxBytes);
    } catch (err) {
      if (sniffed === 'zlib' && looksLikeText(layer.body)) break;
      throw err;
    }
    decoded.push(sniffed);
  }
  // Valid UTF-8 cannot hold a gzip, zstd, xz or bzip2 magic, and text that only looks like a zlib header ("x^")
  // is searched as it is; so only a body that is not clean text can hide compressed data past its start.
  const embedded = looksLikeText(layer.body) ? [] : await decodeEmbedded(layer.body, options.maxBytes, maxLayers - decoded.length - 1, budget);
  return { ...layer, decoded, ...(embedded.length > 0 ? { embedded } : {}) };
}
