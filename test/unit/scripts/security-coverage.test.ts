import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error -- plain JS script without types
import { buildCoverage, documentedIds, titledIds } from '../../../scripts/security-coverage.js';

const root = path.resolve(import.meta.dirname, '../../..');
const securityMd = readFileSync(path.join(root, 'docs/SECURITY.md'), 'utf8');

describe('docs/SECURITY.md and the generated coverage', () => {
  it('the threat model lists every area, including access (A), audit (L) and MCP (M), and links each id to its tests', () => {
    const ids = (documentedIds(securityMd) as { id: string; anchor: string }[]).map((d) => d.id);
    for (const id of ['E1', 'E5', 'E8', 'S2', 'S-rollback', 'P11', 'O12', 'R7', 'A1', 'A6', 'L1', 'L3', 'M1', 'M2']) expect(ids).toContain(id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const { id, anchor } of documentedIds(securityMd) as { id: string; anchor: string }[]) {
      expect(securityMd).toContain(`[${id}](SECURITY-COVERAGE.md#${anchor})`);
    }
    for (const heading of ['## Assets', '## Trust boundaries', '## In scope / out of scope']) expect(securityMd).toContain(heading);
    expect(securityMd).toContain('A process running as the same user is not kept out of the control socket.');
    expect(securityMd).toContain('Like `ssh-agent`');
  });

  it('picks up ids from test titles, links back to SECURITY.md, and reports ids the threat model does not list', () => {
    // Built from parts, so this file's own source holds no id-shaped test title for the real generator to count.
    const call = (fn: string, title: string) => `${fn}('${title}', () => {});`;
    const testFiles = [
      { rel: 'test/a.test.ts', source: [call('it', 'L2 one changed byte fails verify'), call('it.runIf(true)', 'M1 A5 no key in any message')].join('\n') },
      { rel: 'test/b.spec.ts', source: [call('test', 'M9 something new'), call('describe', 'no id here, not even A10b')].join('\n') },
    ];
    const { doc, hits, undocumented } = buildCoverage({ securityMd, testFiles });
    expect(hits.get('L2')).toEqual(['test/a.test.ts: L2 one changed byte fails verify']);
    expect(hits.get('M1')).toEqual(['test/a.test.ts: M1 A5 no key in any message']);
    expect(hits.get('A5')).toHaveLength(1);
    expect([...undocumented.keys()]).toEqual(['M9']);
    expect(doc).toContain('[SECURITY.md](SECURITY.md)');
    expect(doc).toContain('| <a id="l2"></a>[L2](SECURITY.md#l2) | 1 |');
    expect(doc).toContain('## Named in tests but not in SECURITY.md');
  });

  it('reads titles with .each/.runIf and a named id such as S-rollback', () => {
    const each = 'it.each([1])';
    expect(titledIds(`${each}('P7 mode %s', () => {})`)).toEqual([{ title: 'P7 mode %s', ids: ['P7'] }]);
    expect(titledIds(`${'it'}('S-rollback refuses an older vault (S1)', () => {})`)[0].ids).toEqual(['S-rollback', 'S1']);
  });
});
