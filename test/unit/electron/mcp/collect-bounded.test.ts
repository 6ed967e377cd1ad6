import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { collectBounded } from '../../../../electron/mcp/collect-bounded.ts';

async function* chunks(...parts: string[]): AsyncGenerator<Buffer> {
  for (const part of parts) yield Buffer.from(part);
}

describe('collectBounded', () => {
  it('keeps every byte under the limit', async () => {
    const out = await collectBounded(chunks('ab', 'cd'), 10);
    expect(out.body.toString()).toBe('abcd');
    expect(out.truncated).toBe(false);
  });

  it('keeps a body of exactly the limit whole and untruncated', async () => {
    const out = await collectBounded(chunks('abc', 'de'), 5);
    expect(out.body.toString()).toBe('abcde');
    expect(out.truncated).toBe(false);
  });

  it('cuts the chunk that crosses the limit and marks the body truncated', async () => {
    const out = await collectBounded(chunks('abc', 'defg', 'hij'), 5);
    expect(out.body.toString()).toBe('abcde');
    expect(out.body.length).toBe(5);
    expect(out.truncated).toBe(true);
  });

  it('marks a body truncated when more bytes follow one that filled the limit exactly', async () => {
    const out = await collectBounded(chunks('abcde', 'f'), 5);
    expect(out.body.toString()).toBe('abcde');
    expect(out.truncated).toBe(true);
  });

  it('stops reading at the limit, so the source is released', async () => {
    let pulled = 0;
    async function* endless(): AsyncGenerator<Buffer> {
      for (;;) {
        pulled += 1;
        yield Buffer.alloc(4);
      }
    }
    const out = await collectBounded(endless(), 10);
    expect(out.body.length).toBe(10);
    expect(out.truncated).toBe(true);
    expect(pulled).toBe(3);
  });

  it('reads a Node stream and returns an empty body for an empty one', async () => {
    expect((await collectBounded(Readable.from([Buffer.from('xy')]), 1)).body.toString()).toBe('x');
    const empty = await collectBounded(Readable.from([]), 4);
    expect(empty.body.length).toBe(0);
    expect(empty.truncated).toBe(false);
  });
});
