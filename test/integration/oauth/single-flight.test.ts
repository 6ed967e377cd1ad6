import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { useIdp } from '../../fixtures/idp-suite.ts';
import { addClientCredentials, harness } from '../../fixtures/idp-harness.ts';

const idp = useIdp();

describe('R3 single-flight', () => {
  it('R3 2-50 concurrent ensureFresh calls on an expired token make exactly 1 token request in every interleaving', async () => {
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 50 }), async (s, callers) => {
        const h = harness({}, (inner) => s.scheduleFunction(inner));
        addClientCredentials(h, idp);
        const expired = new Date(h.clock.now() - 1_000).toISOString();
        await h.store.update('cc', (r) => ({ ...r, tokens: { accessToken: 'expired-token', tokenType: 'Bearer', receivedAt: expired, expiresAt: expired, scopes: [] } }));
        h.store.beforeWrite = () => s.schedule(Promise.resolve());
        const results = Array.from({ length: callers }, () => s.schedule(Promise.resolve()).then(() => h.manager.ensureFresh('cc')));
        const tokens = await s.waitFor(Promise.all(results));
        expect(h.counter.tokenCalls()).toHaveLength(1);
        expect(new Set(tokens).size).toBe(1);
        expect(tokens[0]).not.toBe('expired-token');
        expect(tokens[0]).toBe(h.store.disk.get('cc')!.tokens!.accessToken);
      }),
      { numRuns: 40 },
    );
  });
});
