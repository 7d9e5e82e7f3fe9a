/**
 * The layering of src/: no import cycle between files, none between the top-level folders
 * (params ↔ controllers was one), and the core (everything outside src/node) imports no Node
 * built-ins, so it bundles for a browser.
 */
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSpecifiers as specifiers, sourceFiles } from './source-imports.js';

const SRC = resolve(__dirname, '../src');

const files = sourceFiles(SRC);
const edges = new Map<string, string[]>(
  files.map((file) => [
    file,
    specifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))),
  ]),
);

/** The top-level layer of a file: `schedules`, `params`, ... or the file itself for src/*.ts. */
function layer(file: string): string {
  return relative(SRC, file).split('/')[0] as string;
}

function findCycle(graph: Map<string, Set<string>>): string[] | undefined {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | undefined => {
    if (state.get(node) === 'done') return undefined;
    if (state.get(node) === 'open') return [...stack.slice(stack.indexOf(node)), node];
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      const cycle = visit(next);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(node, 'done');
    return undefined;
  };
  for (const node of graph.keys()) {
    const cycle = visit(node);
    if (cycle) return cycle;
  }
  return undefined;
}

describe('src/ layering', () => {
  it('has no import cycle between files', () => {
    const graph = new Map([...edges].map(([f, to]) => [f, new Set(to)]));
    expect(findCycle(graph)?.map((f) => relative(SRC, f))).toBeUndefined();
  });

  it('has no import cycle between top-level folders', () => {
    const graph = new Map<string, Set<string>>();
    for (const [file, targets] of edges) {
      const from = layer(file);
      const set = graph.get(from) ?? new Set<string>();
      for (const target of targets) if (layer(target) !== from) set.add(layer(target));
      graph.set(from, set);
    }
    expect(findCycle(graph)).toBeUndefined();
  });

  it('the core imports no Node built-ins', () => {
    const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
    const offenders = files
      .filter((f) => layer(f) !== 'node')
      .flatMap((f) => specifiers(f).filter((s) => builtins.has(s)).map((s) => `${relative(SRC, f)} imports ${s}`));
    expect(offenders).toEqual([]);
  });
});
