import { readFileSync, readdirSync } from 'node:fs';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import * as api from '../../../src/schedules/index.js';

// Every `@example` in the family and combinator sources is run; a line `expr; // value` must
// evaluate to value (within 1e-6 relative when the comment says "approx."). Keeps the docs honest.
const dirs = ['families', 'combinators'].map((d) => new URL(`../../../src/schedules/${d}/`, import.meta.url));
const files = dirs.flatMap((dir) => readdirSync(dir).filter((f) => f.endsWith('.ts') && f !== 'index.ts' && f !== 'grid.ts').map((f) => new URL(f, dir)));

interface Example { file: string; code: string }
const examples: Example[] = files.flatMap((url) => {
  const file = url.pathname.split('/src/schedules/')[1]!;
  const text = readFileSync(url, 'utf8');
  return [...text.matchAll(/@example\n \* ```ts\n([\s\S]*?) \* ```/g)].map((m) => ({
    file,
    code: m[1]!.split('\n').map((line) => line.replace(/^ \* ?/, '')).join('\n'),
  }));
});

function approxEqual(actual: unknown, expected: unknown, rel: number): boolean {
  if (typeof expected === 'number') return typeof actual === 'number' && Math.abs(actual - expected) <= rel * Math.abs(expected) + 1e-15;
  if (Array.isArray(expected)) return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => approxEqual(actual[i], e, rel));
  if (typeof expected === 'object' && expected !== null) {
    return typeof actual === 'object' && actual !== null
      && Object.keys(expected).every((k) => approxEqual((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], rel));
  }
  return Object.is(actual, expected);
}

function instrument(code: string): { body: string; checks: number } {
  let checks = 0;
  const lines = code.split('\n').filter((line) => !/^\s*import\b/.test(line)).map((line) => {
    const m = /^(?!\s*(?:const|let|type|for|if)\b)(.*?);\s*\/\/\s*(.+)$/.exec(line);
    if (!m) return line;
    let expected = m[2]!.trim();
    const approx = /approx\./.test(expected);
    expected = expected.replace(/\s*\(approx\.\)/g, '').replace(/\s*\(.*\)\s*$/, '');
    if (/^e\.g\.|\.\.\./.test(expected)) return line;
    checks++;
    return `__check(${JSON.stringify(line.trim())}, () => (${m[1]}), () => (${expected}), ${approx ? 1e-6 : 1e-12});`;
  });
  return { body: lines.join('\n'), checks };
}

describe('TSDoc examples of the families and combinators', () => {
  it('found examples in every family and combinator file, with checkable results', () => {
    expect(new Set(examples.map((e) => e.file)).size).toBe(files.length);
    expect(examples.length).toBeGreaterThanOrEqual(files.length);
    expect(examples.reduce((n, e) => n + instrument(e.code).checks, 0)).toBeGreaterThan(40);
  });

  it.each(examples.map((e, i) => [`${e.file} #${i}`, e] as const))('%s', (_name, example) => {
    const { body } = instrument(example.code);
    const js = ts.transpileModule(body, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    const failures: string[] = [];
    const check = (line: string, actual: () => unknown, expected: () => unknown, rel: number): void => {
      const a = actual();
      const e = expected();
      if (!approxEqual(a, e, rel)) failures.push(`${line}\n  got ${JSON.stringify(a)}`);
    };
    const scope = { ...api, run: { epochs: 100, stepsPerEpoch: 88 } };
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    new Function('__scope', '__check', `const { ${Object.keys(scope).join(', ')} } = __scope;\n${js}`)(scope, check);
    expect(failures).toEqual([]);
  });
});
