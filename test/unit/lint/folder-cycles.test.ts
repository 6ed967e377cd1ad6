/** No cycles between the folders of electron/core (the root, the wiring, counts as one): dependencies point one way. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const CORE = path.join(import.meta.dirname, '../../../electron/core');
const IMPORT = /(?:import|export)\s[^'"]*?from\s+['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function folderOf(file: string): string {
  const parts = path.relative(CORE, file).split(path.sep);
  return parts.length > 1 ? parts[0]! : '(root)';
}

/** folder -> folder -> one import that makes the edge, for the message. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  const files = readdirSync(CORE, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts')).map((f) => path.join(CORE, f));
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const target = path.normalize(path.join(path.dirname(file), match[1] ?? match[2]!));
      if (!target.startsWith(CORE + path.sep)) continue;
      const [from, to] = [folderOf(file), folderOf(target)];
      if (from === to) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)!.set(to, `${path.relative(CORE, file)} -> ${path.relative(CORE, target)}`);
    }
  }
  return graph;
}

/** Every cycle found by a depth-first search, as the chain of imports that closes it. */
function cycles(graph: Map<string, Map<string, string>>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const walk = (node: string, trail: string[], edges: string[]): void => {
    state.set(node, 'open');
    for (const [next, edge] of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...edges.slice(trail.indexOf(next)), edge]);
      else if (!state.has(next)) walk(next, [...trail, next], [...edges, edge]);
    }
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) walk(node, [node], []);
  return found;
}

describe('core folders', () => {
  it('import each other in one direction only (base/ at the bottom, the wiring at the top)', () => {
    const graph = folderGraph();
    expect(graph.size).toBeGreaterThan(5);
    expect(cycles(graph)).toEqual([]);
  });

  it('the search finds a planted cycle', () => {
    const graph = new Map([
      ['a', new Map([['b', 'a/x.ts -> b/y.ts']])],
      ['b', new Map([['a', 'b/y.ts -> a/x.ts']])],
    ]);
    expect(cycles(graph)).toEqual([['a/x.ts -> b/y.ts', 'b/y.ts -> a/x.ts']]);
  });
});
