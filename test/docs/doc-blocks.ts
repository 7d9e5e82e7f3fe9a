/**
 * Code blocks of the Markdown docs, and the runnable modules made from them.
 *
 * Conventions a doc author can rely on (docs/README: keep them few):
 * - ```ts, ```typescript and ```js blocks run; every other language (sh, console, diff, json) is
 *   shown only.
 * - `<!-- no-run: reason -->` on the line before a fence skips that block (for fragments).
 * - A single-line expression statement followed by a comment that is a JavaScript literal is
 *   checked: `lr.at(6); // 0.001` asserts the value, rounded to the digits the comment shows.
 *   Prose after the literal is allowed when set off by two spaces or ` (`.
 *   `console.log(a, b); // 40 5` checks each argument against one literal.
 * - `stmt; // throws: text` (or the comment alone on the next line) asserts that the statement
 *   throws an error whose message contains `text`; `…` leaves out a part of the message.
 */

import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** One fenced code block. */
export interface DocBlock {
  /** Path relative to the repository root, e.g. `docs/schedules.md`. */
  readonly file: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly lang: string;
  readonly code: string;
  /** The reason given in a `<!-- no-run: reason -->` comment right before the fence. */
  readonly noRun?: string;
}

/** Languages whose blocks are run. */
export const RUN_LANGS: ReadonlySet<string> = new Set(['ts', 'typescript', 'js', 'javascript']);

const FENCE = /^```([\w-]*)\s*$/;
const NO_RUN = /^<!--\s*no-run:\s*(.*?)\s*-->\s*$/;

/**
 * Every top-level fenced block of a Markdown text, in order.
 *
 * @example
 * ```ts
 * extractBlocks('a.md', 'x\n```ts\n1;\n```\n')[0]; // { file: 'a.md', line: 2, lang: 'ts', code: '1;' }
 * ```
 */
export function extractBlocks(file: string, markdown: string): DocBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trimEnd() !== '```') end++;
    if (end >= lines.length) throw new Error(`${file}:${i + 1}: code block is never closed`);
    const noRun = i > 0 ? NO_RUN.exec(lines[i - 1]!) : null;
    if (noRun && noRun[1] === '') throw new Error(`${file}:${i}: a no-run comment needs a reason`);
    blocks.push({
      file,
      line: i + 1,
      lang: open[1]!.toLowerCase(),
      code: lines.slice(i + 1, end).join('\n'),
      ...(noRun ? { noRun: noRun[1]! } : {}),
    });
    i = end;
  }
  return blocks;
}

const NOT_AN_EXPRESSION = /^(const|let|var|import|export|type|interface|function|class|if|else|for|while|do|return|throw|try|switch|declare|\}|\/\/)\b/;

/** The literal at the start of a comment, or undefined when the comment is prose. */
function literalOf(comment: string): string | undefined {
  const text = comment.split(/\s{2,}|\s\(/)[0]!.trim();
  if (text === '') return undefined;
  try {
    // eslint-disable-next-line no-new-func -- doc comments are our own text
    const value: unknown = new Function(`return (${text});`)();
    return value === undefined || typeof value === 'function' ? undefined : text;
  } catch {
    return undefined;
  }
}

/** Literals of `console.log(...); // a b c`, one per argument, or undefined. */
function logLiterals(comment: string): string[] | undefined {
  const tokens = comment.split(/\s{2,}|\s\(/)[0]!.trim().split(/\s+/);
  const literals = tokens.map(literalOf);
  return literals.every((l): l is string => l !== undefined) ? literals : undefined;
}

/**
 * The block as a module: the same lines (so line N of the module is line `block.line + N` of
 * the doc), with checked comments turned into calls of `globalThis.__docCheck`.
 *
 * @example
 * ```ts
 * toModule({ file: 'a.md', line: 1, lang: 'ts', code: 'f(1); // 2' });
 * // '__docCheck.value((f(1)), "2", "a.md:2");'
 * ```
 */
export function toModule(block: DocBlock): string {
  const lines = block.code.split('\n');
  const loc = (i: number): string => JSON.stringify(`${block.file}:${block.line + 1 + i}`);
  const out = lines.map((line, i) => {
    const m = /^(\s*)(.*?);\s*\/\/\s?(.*)$/.exec(line);
    if (!m) return line;
    const [, indent, statement, comment] = m as unknown as [string, string, string, string];
    // One statement per checked line; anything else is left as written.
    if (statement.includes('//') || statement.includes(';') || statement.trim() === '') return line;
    if (comment.startsWith('throws:')) return throwsCheck(indent, statement, comment, loc(i));
    if (NOT_AN_EXPRESSION.test(statement.trim())) return line;
    const log = /^console\.log\((.*)\)$/.exec(statement);
    if (log) {
      const literals = logLiterals(comment);
      return literals ? `${indent}__docCheck.log([${log[1]}], ${JSON.stringify(literals)}, ${loc(i)});` : line;
    }
    const literal = literalOf(comment);
    return literal === undefined ? line : `${indent}__docCheck.value((${statement}), ${JSON.stringify(literal)}, ${loc(i)});`;
  });
  // `// throws: ...` on its own line checks the one-line statement right above it.
  lines.forEach((line, i) => {
    const own = /^\s*\/\/\s?(throws:.*)$/.exec(line);
    const above = i > 0 ? /^(\s*)([^/;]*?);\s*$/.exec(lines[i - 1]!) : null;
    if (own && above && !NOT_AN_EXPRESSION.test(above[2]!.trim())) out[i - 1] = throwsCheck(above[1]!, above[2]!, own[1]!, loc(i - 1));
  });
  return out.join('\n');
}

function throwsCheck(indent: string, statement: string, comment: string, loc: string): string {
  const expected = comment.slice('throws:'.length).trim();
  return `${indent}__docCheck.throws(() => { ${statement}; }, ${JSON.stringify(expected)}, ${loc});`;
}

/** Significant digits of a number as JavaScript prints it (`0.05` → 1, `40` → 2). */
function digitsOf(n: number): number {
  const mantissa = Math.abs(n).toExponential().split('e')[0]!;
  return mantissa.replace('.', '').length;
}

/** Whether `actual` equals `expected`, numbers compared at the precision `expected` is written with. */
export function matches(actual: unknown, expected: unknown): boolean {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return false;
    if (Number.isNaN(expected)) return Number.isNaN(actual);
    if (expected === 0) return Math.abs(actual) < 1e-12;
    if (!Number.isFinite(expected) || !Number.isFinite(actual)) return actual === expected;
    return Number(actual.toPrecision(digitsOf(expected))) === expected;
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matches(actual[i], e));
  }
  if (typeof expected === 'object' && expected !== null) {
    if (typeof actual !== 'object' || actual === null) return false;
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a).filter((k) => a[k] !== undefined), ...Object.keys(e)]);
    return [...keys].every((k) => matches(a[k], e[k]));
  }
  return Object.is(actual, expected);
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** What checked comments call (installed as `globalThis.__docCheck` while blocks run). */
export const docCheck = {
  value(actual: unknown, literal: string, loc: string): void {
    // eslint-disable-next-line no-new-func -- doc comments are our own text
    const expected: unknown = new Function(`return (${literal});`)();
    if (!matches(actual, expected)) throw new Error(`${loc}: the comment says ${literal}, the code gives ${show(actual)}`);
  },
  log(actual: readonly unknown[], literals: readonly string[], loc: string): void {
    if (actual.length !== literals.length) throw new Error(`${loc}: the comment lists ${literals.length} values, console.log prints ${actual.length}`);
    actual.forEach((a, i) => docCheck.value(a, literals[i]!, loc));
  },
  /** `text` may leave parts out with `…` (or `...`): the other parts must appear in order. */
  throws(run: () => unknown, text: string, loc: string): void {
    try {
      run();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      let from = 0;
      for (const part of text.split(/…|\.\.\./).map((p) => p.trim()).filter(Boolean)) {
        const at = message.indexOf(part, from);
        if (at < 0) throw new Error(`${loc}: expected an error like ${JSON.stringify(text)}, got ${JSON.stringify(message)}`);
        from = at + part.length;
      }
      return;
    }
    throw new Error(`${loc}: expected an error like ${JSON.stringify(text)}, but nothing was thrown`);
  },
};

/** A file name for a block's module: `docs/schedules.md` line 12 → `docs_schedules.md-L12.ts`. */
export function moduleName(block: DocBlock): string {
  return `${block.file.replace(/[\\/]/g, '_')}-L${block.line}.ts`;
}

/**
 * Maps an error thrown while running a block's module to the doc line it came from (module line
 * N is doc line `block.line + N`), so a failure names the Markdown file and line.
 */
export function docLineOf(error: unknown, block: DocBlock): number | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : '';
  const name = moduleName(block).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = new RegExp(`${name}:(\\d+)`).exec(stack);
  return m ? block.line + Number(m[1]) : undefined;
}

/** Every block of the given Markdown files (paths relative to `root`). */
export function docBlocks(root: string, files: readonly string[]): DocBlock[] {
  return files.flatMap((file) => extractBlocks(file, readFileSync(join(root, file), 'utf8')));
}

/**
 * Writes each block's module into `dir` (emptied first), with a declaration of `__docCheck` so
 * the modules also type-check. Each test file uses its own `dir`: they run in parallel.
 */
export function writeModules(dir: string, blocks: readonly DocBlock[]): string[] {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'doc-check.d.ts'),
    'declare const __docCheck: { value(actual: unknown, literal: string, loc: string): void; ' +
      'log(actual: readonly unknown[], literals: readonly string[], loc: string): void; throws(run: () => unknown, text: string, loc: string): void };\n',
  );
  return blocks.map((b) => {
    const path = join(dir, moduleName(b));
    writeFileSync(path, `${toModule(b)}\nexport {};\n`);
    return path;
  });
}
