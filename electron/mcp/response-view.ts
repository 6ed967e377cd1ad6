/**
 * Turns a proxied response into what the agent sees: every compression layer undone (declared or not), then
 * headers and body redacted (on the whole bytes read, with the cut end treated as open), then shown as text or
 * base64. A proxy refusal becomes an error.
 */
import { isUtf8 } from 'node:buffer';
import { isErrorCode, type ErrorCode } from '../../shared/errors.ts';
import { TokenwardenError } from '../core/base/errors.ts';
import { declaredCodings, decodeBodyLayers } from '../core/redaction/body-layers.ts';
import type { RawResponse } from './proxy-sender.ts';

export interface HttpResultView extends Record<string, unknown> {
  status: number;
  headers: Record<string, string>;
  body: string;
  body_encoding: 'text' | 'base64';
  /** The body was longer than the cap and was cut. */
  truncated: boolean;
  /** The compressions undone before redaction, outermost first; absent when the body was plain. */
  body_decoded?: string[];
}

export type Redact = (texts: string[], openEnd: boolean) => Promise<string[]>;

/** They describe the loopback hop to the proxy, not the upstream's answer. */
const LOOPBACK_HOP_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding']);

const BINARY_TYPES = /^(image|audio|video|font)\/|^application\/(octet-stream|pdf|zip|gzip|x-tar|x-7z-compressed|wasm|vnd\.)/i;

/** Valid UTF-8 without NUL, allowing a multi-byte character cut at the very end of a truncated body. */
function textLength(body: Buffer, truncated: boolean, contentType: string | undefined): number | undefined {
  if (contentType && BINARY_TYPES.test(contentType)) return undefined;
  if (body.includes(0)) return undefined;
  for (let cut = 0; cut <= (truncated ? 3 : 0) && cut <= body.length; cut++) {
    if (isUtf8(body.subarray(0, body.length - cut))) return body.length - cut;
  }
  return undefined;
}

/** They describe the encoded bytes, which the agent does not get once the body is decoded. */
const ENCODED_BODY_HEADERS = new Set(['content-encoding', 'content-length']);

/**
 * Compressed data past the start of a body ('X' + gzip, a gzip part of a multipart body) stays compressed in what
 * the agent gets, where no secret can be cut out of it; so a body is refused when any such data decodes to text
 * that redaction would change (SECURITY M1). Read both ways, as the body itself is: bytes as latin1, and UTF-8.
 * The decoded tail is searched closed: an open end would always be covered and so refuse every such body.
 */
async function refuseSecretInEmbedded(embedded: readonly Buffer[], redact: Redact): Promise<void> {
  if (embedded.length === 0) return;
  const texts = embedded.flatMap((bytes) => [bytes.toString('latin1'), bytes.toString('utf8')]);
  const redacted = await redact(texts, false);
  if (redacted.some((text, i) => text !== texts[i])) {
    throw new TokenwardenError('ERR_UPSTREAM', "The upstream's answer holds compressed data with a secret in it, so no body is returned.");
  }
}

/**
 * A compressed body is decoded first, each layer to at most `maxBodyBytes`, since redaction can only search
 * plain bytes; the agent gets the decoded body, never bytes that were not searched (SECURITY M1).
 */
export async function viewResponse(received: RawResponse, redact: Redact, maxBodyBytes: number): Promise<HttpResultView> {
  const contentEncoding = received.headers.filter(([name]) => name === 'content-encoding').map(([, value]) => value);
  const layers = await decodeBodyLayers(received.body, { contentEncoding, truncated: received.truncated, maxBytes: maxBodyBytes });
  await refuseSecretInEmbedded(layers.embedded ?? [], redact);
  const raw: RawResponse =
    layers.decoded.length === 0
      ? received
      : { status: received.status, headers: received.headers.filter(([name]) => !ENCODED_BODY_HEADERS.has(name)), body: layers.body, truncated: layers.truncated };
  // A type that named compressed bytes the upstream did not declare (application/gzip) says nothing of the decoded ones.
  const sniffed = layers.decoded.length > declaredCodings(contentEncoding).length;
  const contentType = sniffed ? undefined : raw.headers.find(([name]) => name === 'content-type')?.[1];
  const length = textLength(raw.body, raw.truncated, contentType);
  // Binary bytes map 1:1 onto latin1 characters, so a token that appears raw inside them is found and replaced.
  const bodyText = length === undefined ? raw.body.toString('latin1') : raw.body.subarray(0, length).toString('utf8');
  const texts = [...raw.headers.flat(), bodyText];
  const redacted = await redact(texts, raw.truncated);
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.headers.length; i++) {
    if (LOOPBACK_HOP_HEADERS.has(raw.headers[i]![0])) continue;
    const name = redacted[2 * i]!;
    const value = redacted[2 * i + 1]!;
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const body = redacted[texts.length - 1]!;
  return {
    status: raw.status,
    headers,
    body: length === undefined ? Buffer.from(body, 'latin1').toString('base64') : body,
    body_encoding: length === undefined ? 'base64' : 'text',
    truncated: raw.truncated,
    ...(layers.decoded.length > 0 ? { body_decoded: layers.decoded } : {}),
  };
}

/**
 * The proxy answers its own refusals as `{"error":{"code","message"}}` with a known code. An upstream could
 * mimic that; the only effect is that its (redacted) message is shown as an error.
 */
export function proxyRefusal(view: HttpResultView): { code: ErrorCode; message: string } | undefined {
  if (view.status < 400 || view.body_encoding !== 'text' || view.truncated) return undefined;
  if (!/^application\/json/i.test(view.headers['content-type'] ?? '')) return undefined;
  try {
    const parsed = JSON.parse(view.body) as { error?: { code?: unknown; message?: unknown } };
    const keys = Object.keys(parsed ?? {});
    const code = parsed?.error?.code;
    if (keys.length === 1 && isErrorCode(code) && typeof parsed.error?.message === 'string') return { code, message: parsed.error.message };
  } catch {
    // Not JSON: an upstream answer.
  }
  return undefined;
}

/** The text a model reads: a status line, the headers, then the body. */
export function renderHttpText(view: HttpResultView): string {
  const head = [`HTTP ${view.status}`, ...Object.entries(view.headers).map(([n, v]) => `${n}: ${v}`)].join('\n');
  const decoded = view.body_decoded ? `\n[body decoded by tokenwarden from ${[...view.body_decoded].reverse().join(' in ')}]` : '';
  const note = `${decoded}${view.truncated ? '\n[body truncated by tokenwarden]' : ''}`;
  const encoding = view.body_encoding === 'base64' ? '\n[body is base64: binary content]' : '';
  return `${head}\n\n${view.body}${note}${encoding}`;
}
