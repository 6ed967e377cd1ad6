/**
 * Sends an agent's request through the running Tokenwarden proxy, so binding, policies, the access key and
 * the audit all apply: the gateway for the first bound origin, the forward proxy (CONNECT for https) for the
 * others. It never holds an upstream token; the proxy injects it.
 */
import { Agent, ProxyAgent, request, type Dispatcher } from 'undici';
import { TokenwardenError } from '../core/base/errors.ts';
import { collectBounded } from './collect-bounded.ts';
import type { Target } from './http-request-input.ts';

export interface ProxyCall {
  credential: string;
  method: string;
  target: Target;
  /** The credential's first bound origin: requests to it use the gateway. */
  gatewayOrigin: string;
  headers: Record<string, string>;
  body: Buffer | undefined;
  timeoutMs: number;
  key: string;
  /** `mcp/<client name>` for the audit log; informational only. */
  client: string;
  maxBodyBytes: number;
}

export interface RawResponse {
  status: number;
  headers: [string, string][];
  body: Buffer;
  truncated: boolean;
}

export interface ProxySenderOptions {
  port: number;
  /** The proxy's CA, needed only for https origins other than the first (CONNECT interception). */
  caPem: () => Promise<string>;
}

export class ProxySender {
  readonly #port: number;
  readonly #caPem: () => Promise<string>;
  readonly #agent = new Agent({ connections: 8 });

  constructor(options: ProxySenderOptions) {
    this.#port = options.port;
    this.#caPem = options.caPem;
  }

  async send(call: ProxyCall): Promise<RawResponse> {
    const viaGateway = call.target.origin === call.gatewayOrigin;
    // Identity: redaction searches plain bytes (a compressed answer is still decoded, in response-view).
    const headers: Record<string, string> = { ...call.headers, 'accept-encoding': 'identity', 'x-tokenwarden-client': call.client };
    let dispatcher: Dispatcher = this.#agent;
    let url: string;
    if (viaGateway) {
      url = `http://127.0.0.1:${this.#port}/${call.credential}${call.target.path}`;
      headers['x-tokenwarden-key'] = call.key;
    } else {
      url = `${call.target.origin}${call.target.path}`;
      dispatcher = new ProxyAgent({
        uri: `http://127.0.0.1:${this.#port}`,
        token: `Basic ${Buffer.from(`${call.credential}:${call.key}`).toString('base64')}`,
        ...(call.target.origin.startsWith('https:') ? { requestTls: { ca: await this.#caPem() } } : {}),
      });
    }
    const signal = AbortSignal.timeout(call.timeoutMs);
    try {
      const response = await request(url, {
        dispatcher,
        method: call.method as Dispatcher.HttpMethod,
        headers,
        ...(call.body ? { body: call.body } : {}),
        signal,
        headersTimeout: call.timeoutMs,
        bodyTimeout: call.timeoutMs,
      });
      return await readResponse(response, call.maxBodyBytes);
    } catch (err) {
      throw sendFailure(err, signal, call.timeoutMs);
    } finally {
      if (dispatcher !== this.#agent) await dispatcher.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.#agent.close().catch(() => undefined);
  }
}

async function readResponse(response: Dispatcher.ResponseData, max: number): Promise<RawResponse> {
  const headers: [string, string][] = [];
  for (const [name, value] of Object.entries(response.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) headers.push([name, String(one)]);
  }
  const { body, truncated } = await collectBounded(response.body as AsyncIterable<Buffer>, max);
  if (truncated) response.body.destroy();
  return { status: response.statusCode, headers, body, truncated };
}

function sendFailure(err: unknown, signal: AbortSignal, timeoutMs: number): TokenwardenError {
  if (err instanceof TokenwardenError) return err;
  const e = err as { name?: string; code?: string };
  if (signal.aborted || e.name === 'TimeoutError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') {
    return new TokenwardenError('ERR_UPSTREAM_TIMEOUT', `No complete answer within ${timeoutMs} ms.`);
  }
  if (e.code === 'ECONNREFUSED' || e.code === 'ECONNRESET' || e.code === 'UND_ERR_SOCKET') {
    return new TokenwardenError('ERR_DAEMON_UNREACHABLE', 'The Tokenwarden proxy closed the connection or is not running.');
  }
  if (e.code === 'UND_ERR_ABORTED' || e.name === 'AbortError') return new TokenwardenError('ERR_CANCELLED', 'The request was cancelled.');
  // undici's own messages name only our loopback URL, but a generic message is safer still (S7).
  return new TokenwardenError('ERR_UPSTREAM', `The request failed (${e.code ?? e.name ?? 'error'}).`);
}
