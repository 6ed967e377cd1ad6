import { describe, expect, it } from 'vitest';
import { clientNameLabel, visible } from '../../../shared/visible-text.ts';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const escaped = (code: number): string => `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;

const CONTROL_RANGES: [string, number[]][] = [
  ['C0', range(0x00, 0x1f)],
  ['DEL', [0x7f]],
  ['C1 (0x9B is the 8-bit CSI)', range(0x80, 0x9f)],
  ['bidi embeddings and overrides', range(0x202a, 0x202e)],
  ['bidi isolates', range(0x2066, 0x2069)],
];

describe('visible text', () => {
  it.each(CONTROL_RANGES)('L2 E5 every %s character is spelled out as \\u{XXXX}, never dropped', (_name, codes) => {
    for (const code of codes) {
      const text = `a${String.fromCharCode(code)}b`;
      expect(visible(text)).toBe(`a${escaped(code)}b`);
    }
  });

  it('L2 E5 printable text is left as it is, non-ASCII letters and emoji included', () => {
    for (const text of ['curl/8.5.0 [1234]', '/usr/bin/node', 'café 日本 😀', 'a\u00a0b']) expect(visible(text)).toBe(text);
    expect(visible('cli\u009b2K\u202e')).toBe('cli\\u{009B}2K\\u{202E}');
  });

  it('L2 a client-chosen name is printable ASCII and cut to its limit before it is stored', () => {
    expect(clientNameLabel('cli\u009b2K', 128)).toBe('cli_2K');
    expect(clientNameLabel('mcp/Claude Desktop\u202e', 64)).toBe('mcp/Claude_Desktop_');
    expect(clientNameLabel('\x1b[2J\n\t', 64)).toBe('_[2J__');
    expect(clientNameLabel('x'.repeat(200), 128)).toHaveLength(128);
    expect(clientNameLabel('', 64)).toBe('');
  });
});
