/** LineSplitter: turns a byte stream into newline-delimited lines without ever buffering more than one bounded line. */

export type LineEvent = { type: 'line'; line: Buffer } | { type: 'too-large' };

/**
 * Once a partial line passes `maxLineBytes` the splitter reports `too-large` once and then drops
 * everything it is given, so a peer streaming an endless line costs no memory, only bandwidth.
 */
export class LineSplitter {
  readonly maxLineBytes: number;
  #parts: Buffer[] = [];
  #pending = 0;
  #overflowed = false;

  constructor(maxLineBytes: number) {
    if (!Number.isInteger(maxLineBytes) || maxLineBytes < 1) throw new RangeError('maxLineBytes must be a positive integer');
    this.maxLineBytes = maxLineBytes;
  }

  /** Bytes held for the current partial line; never more than `maxLineBytes`. */
  get bufferedBytes(): number {
    return this.#pending;
  }

  get overflowed(): boolean {
    return this.#overflowed;
  }

  push(chunk: Buffer): LineEvent[] {
    if (this.#overflowed) return [];
    const events: LineEvent[] = [];
    let start = 0;
    while (start < chunk.length) {
      const newline = chunk.indexOf(0x0a, start);
      const end = newline === -1 ? chunk.length : newline;
      const length = end - start;
      // The newline itself does not count: a line of exactly maxLineBytes is allowed.
      if (this.#pending + length > this.maxLineBytes) {
        this.#overflow();
        events.push({ type: 'too-large' });
        return events;
      }
      if (newline === -1) {
        this.#parts.push(chunk.subarray(start));
        this.#pending += length;
        return events;
      }
      const piece = chunk.subarray(start, end);
      const line = this.#parts.length === 0 ? Buffer.from(piece) : Buffer.concat([...this.#parts, piece]);
      this.#parts = [];
      this.#pending = 0;
      events.push({ type: 'line', line });
      start = newline + 1;
    }
    return events;
  }

  #overflow(): void {
    this.#overflowed = true;
    this.#parts = [];
    this.#pending = 0;
  }
}
