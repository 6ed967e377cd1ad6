import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_SPECS, exitCodeFor, httpStatusFor, toErrorPayload } from '../../../shared/errors.ts';

describe('shared/errors', () => {
  it('maps every code to an HTTP status and a CLI exit code outside 0 and 1', () => {
    for (const code of ERROR_CODES) {
      expect(httpStatusFor(code)).toBeGreaterThanOrEqual(400);
      expect(exitCodeFor(code)).toBeGreaterThan(1);
      expect(ERROR_SPECS[code].ui.length).toBeGreaterThan(5);
    }
  });

  it('maps the proxy table statuses from ARCHITECTURE.md', () => {
    expect(httpStatusFor('ERR_LOCKED')).toBe(423);
    expect(httpStatusFor('ERR_NEEDS_LOGIN')).toBe(428);
    expect(httpStatusFor('ERR_TOKEN_UNAVAILABLE')).toBe(503);
    expect(httpStatusFor('ERR_BAD_HOST')).toBe(421);
    expect(httpStatusFor('ERR_UPSTREAM_TIMEOUT')).toBe(504);
  });

  it('S7 never forwards the message of an unknown error, which may hold a secret', () => {
    const payload = toErrorPayload(new Error('Bearer canary-secret-123'));
    expect(payload.code).toBe('ERR_INTERNAL');
    expect(JSON.stringify(payload)).not.toContain('canary-secret-123');
  });

  it('keeps the code and message of a coded error', () => {
    expect(toErrorPayload({ code: 'ERR_NOT_FOUND', message: 'No credential named "x".' })).toEqual({ code: 'ERR_NOT_FOUND', message: 'No credential named "x".' });
  });
});
