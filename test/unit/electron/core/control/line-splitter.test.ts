import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../../../../electron/core/control/line-splitter.ts';

const lines = (events: ReturnType<LineSplitter['push']>): string[] =>
  events.flatMap((e) => (e.type === 'line' ? [e.line.toString('utf8')] : []));

describe('LineSplitter', () => {
  it('joins a line split across chunks and splits several lines in one chunk', () => {
    const splitter = new LineSplitter(100);
    expect(lines(splitter.push(Buffer.from('{"a":')))).toEqual([]);
    expect(lines(splitter.push(Buffer.from('1}\n{"b":2}\n{"c"')))).toEqual(['{"a":1}', '{"b":2}']);
    expect(splitter.bufferedBytes).toBe(4);
    expect(lines(splitter.push(Buffer.from(':3}\n')))).toEqual(['{"c":3}']);
    expect(splitter.bufferedBytes).toBe(0);
  });

  it('allows a line of exactly the limit and refuses one byte more', () => {
    const ok = new LineSplitter(8);
    expect(lines(ok.push(Buffer.from('12345678\n')))).toEqual(['12345678']);
    const over = new LineSplitter(8);
    expect(over.push(Buffer.from('1234'))).toEqual([]);
    expect(over.push(Buffer.from('56789\n'))).toEqual([{ type: 'too-large' }]);
    expect(over.overflowed).toBe(true);
  });

  it('P10 bounds a 10 MB line: reports once, never holds more than the limit, then drops everything', () => {
    const limit = 1024 * 1024;
    const splitter = new LineSplitter(limit);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let reports = 0;
    let peak = 0;
    for (let sent = 0; sent < 10 * 1024 * 1024; sent += chunk.length) {
      for (const e of splitter.push(chunk)) if (e.type === 'too-large') reports += 1;
      peak = Math.max(peak, splitter.bufferedBytes);
    }
    expect(reports).toBe(1);
    expect(peak).toBeLessThanOrEqual(limit);
    expect(splitter.bufferedBytes).toBe(0);
    expect(splitter.push(Buffer.from('\n{"ok":true}\n'))).toEqual([]);
  });

  it('yields the same lines however the stream is chunked', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replaceAll('\n', '')), { maxLength: 10 }),
        fc.array(fc.integer({ min: 1, max: 17 }), { minLength: 1, maxLength: 10 }),
        (input, cuts) => {
          const stream = Buffer.from(input.map((l) => `${l}\n`).join(''), 'utf8');
          const splitter = new LineSplitter(1024);
          const out: string[] = [];
          let at = 0;
          let i = 0;
          while (at < stream.length) {
            const size = cuts[i++ % cuts.length]!;
            out.push(...lines(splitter.push(stream.subarray(at, at + size))));
            at += size;
          }
          expect(out).toEqual(input);
        },
      ),
    );
  });

  it('rejects a nonsensical limit', () => {
    expect(() => new LineSplitter(0)).toThrow(RangeError);
  });
});
