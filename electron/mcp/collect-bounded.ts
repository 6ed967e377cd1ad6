/**
 * Reads a byte stream into one buffer, keeping at most `max` bytes. An upstream's answer (or a decompressed
 * one, which can expand enormously) must never be held whole: the first chunk that crosses the cap is cut
 * and reading stops, which ends the iteration and so lets the source release its stream.
 */
export interface BoundedBody {
  body: Buffer;
  /** True when bytes past `max` arrived and were dropped; exactly `max` bytes is not truncated. */
  truncated: boolean;
}

export async function collectBounded(source: AsyncIterable<Buffer>, max: number): Promise<BoundedBody> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of source) {
    if (size + chunk.length > max) {
      chunks.push(chunk.subarray(0, max - size));
      return { body: Buffer.concat(chunks, max), truncated: true };
    }
    chunks.push(chunk);
    size += chunk.length;
  }
  return { body: Buffer.concat(chunks, size), truncated: false };
}
