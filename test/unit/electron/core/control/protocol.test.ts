import { describe, expect, it } from 'vitest';
import { ARG_SCHEMAS } from '../../../../../shared/contract.ts';
import {
  IncomingMessage,
  RPC_CODES,
  describeIssues,
  encodeError,
  encodeEvent,
  encodeResult,
  parseLine,
  payloadFromError,
  rpcCodeFor,
  salvageId,
} from '../../../../../electron/core/control/protocol.ts';

describe('control protocol', () => {
  it('encodes one JSON-RPC 2.0 message per line that the client schema accepts', () => {
    const result = encodeResult(7, undefined);
    const error = encodeError('a', { code: 'ERR_NOT_FOUND', message: 'No credential "x".' });
    const event = encodeEvent({ type: 'locked', locked: true });
    for (const line of [result, error, event]) {
      expect(line.endsWith('\n')).toBe(true);
      expect(line.slice(0, -1)).not.toContain('\n');
      expect(IncomingMessage.safeParse(JSON.parse(line)).success).toBe(true);
    }
    expect(JSON.parse(result)).toEqual({ jsonrpc: '2.0', id: 7, result: null });
    expect(JSON.parse(error)).toEqual({
      jsonrpc: '2.0',
      id: 'a',
      error: { code: RPC_CODES.serverError, message: 'No credential "x".', data: { code: 'ERR_NOT_FOUND' } },
    });
  });

  it('maps codes onto JSON-RPC numbers and back onto the shared payload', () => {
    expect(rpcCodeFor('ERR_INVALID_INPUT')).toBe(-32602);
    expect(rpcCodeFor('ERR_INTERNAL')).toBe(-32603);
    expect(rpcCodeFor('ERR_LOCKED')).toBe(-32000);
    expect(payloadFromError({ code: -32000, message: 'm', data: { code: 'ERR_LOCKED' } })).toEqual({ code: 'ERR_LOCKED', message: 'm' });
    expect(payloadFromError({ code: -32000, message: 'm', data: { code: 'ERR_MADE_UP' } }).code).toBe('ERR_INTERNAL');
    expect(payloadFromError({ code: -32000, message: 'm' }).code).toBe('ERR_INTERNAL');
  });

  it('refuses bad UTF-8 and bad JSON, ignores blank lines', () => {
    expect(() => parseLine(Buffer.from([0x7b, 0xff, 0x7d]))).toThrow();
    expect(() => parseLine(Buffer.from('{nope'))).toThrow();
    expect(parseLine(Buffer.from('  \r'))).toBeUndefined();
    expect(parseLine(Buffer.from('{"a":1}\r'))).toEqual({ a: 1 });
  });

  it('salvages only well-formed ids', () => {
    expect(salvageId({ id: 3 })).toBe(3);
    expect(salvageId({ id: 'x' })).toBe('x');
    expect(salvageId({ id: { evil: true } })).toBeNull();
    expect(salvageId([1])).toBeNull();
  });

  it('S7 describes invalid params without quoting the secret that was in them', () => {
    const secret = 'ghp_SECRETSECRETSECRET with space';
    const parsed = ARG_SCHEMAS.add.safeParse([{ kind: 'static', name: 'gh', hosts: ['https://api.github.com'], token: secret }]);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const text = describeIssues(parsed.error);
    expect(text.length).toBeGreaterThan(0);
    expect(text).not.toContain('SECRET');
  });
});
