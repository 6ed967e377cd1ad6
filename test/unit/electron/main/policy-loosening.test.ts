import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { policyLoosening } from '../../../../electron/main/policy-loosening.ts';
import type { Policy } from '../../../../shared/policy.ts';

const strict: Policy = { methods: ['GET', 'HEAD'], paths: ['/v1/**'], rate: '10/s', concurrency: 2, maxUses: 5 };

describe('policyLoosening (E5)', () => {
  it('E5 clearing a policy lifts every limit it had, one line each', () => {
    expect(policyLoosening(strict, null)).toEqual([
      'Any method (was GET, HEAD)',
      'Any path (was /v1/**)',
      'No rate limit (was 10/s)',
      'Any number at once (was 2)',
      'Unlimited uses (was 5)',
    ]);
  });

  it('E5 raising or widening one limit is named; the rest is not', () => {
    expect(policyLoosening(strict, { ...strict, methods: ['GET', 'HEAD', 'DELETE'] })).toEqual(['Also methods DELETE']);
    expect(policyLoosening(strict, { ...strict, paths: ['/v1/**', '/admin/**'] })).toEqual(['Also paths /admin/**']);
    expect(policyLoosening(strict, { ...strict, rate: '11/s' })).toEqual(['Rate 11/s (was 10/s)']);
    // Same average, but the bucket holds the count: 600/min lets 600 through at once where 10/s lets 10.
    expect(policyLoosening(strict, { ...strict, rate: '600/min' })).toEqual(['Rate 600/min (was 10/s)']);
    expect(policyLoosening({ rate: '1/s' }, { rate: '3600/h' })).toEqual(['Rate 3600/h (was 1/s)']);
    expect(policyLoosening(strict, { ...strict, concurrency: 3 })).toEqual(['3 at once (was 2)']);
    expect(policyLoosening(strict, { ...strict, maxUses: 6 })).toEqual(['6 uses (was 5)']);
  });

  it('E5 tightening (a smaller burst and a lower rate), or a first policy, needs no confirmation', () => {
    expect(policyLoosening(strict, { ...strict, methods: ['GET'], rate: '5/s', concurrency: 1, maxUses: 1 })).toEqual([]);
    expect(policyLoosening(strict, { ...strict, rate: '10/min' })).toEqual([]);
    expect(policyLoosening(undefined, { methods: ['GET'] })).toEqual([]);
    expect(policyLoosening(undefined, null)).toEqual([]);
    expect(policyLoosening({ maxUses: 3 }, { maxUses: 3, methods: ['GET'] })).toEqual([]);
  });

  it('E5 a change that keeps every old limit and only adds new ones never counts as loosening', () => {
    const method = fc.constantFrom('GET', 'HEAD', 'POST', 'PUT', 'DELETE');
    const policy = fc.record(
      { methods: fc.uniqueArray(method, { minLength: 1 }), rate: fc.integer({ min: 1, max: 1000 }).map((n) => `${n}/s`), maxUses: fc.integer({ min: 1, max: 100 }) },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(policy, policy, (previous, extra) => {
        // Intersect methods and take the stricter number of each: a result that only narrows `previous`.
        const methods = previous.methods && extra.methods ? previous.methods.filter((m) => extra.methods!.includes(m)) : (previous.methods ?? extra.methods);
        const next: Policy = {
          ...(methods && methods.length > 0 ? { methods } : previous.methods ? { methods: [previous.methods[0]!] } : {}),
          ...(previous.rate || extra.rate ? { rate: [previous.rate, extra.rate].filter(Boolean).sort((a, b) => parseInt(a!) - parseInt(b!))[0]! } : {}),
          ...(previous.maxUses || extra.maxUses ? { maxUses: Math.min(previous.maxUses ?? Infinity, extra.maxUses ?? Infinity) } : {}),
        };
        expect(policyLoosening(previous, next)).toEqual([]);
      }),
    );
  });
});
