/**
 * Every ```ts / ```js block of README.md, docs/*.md, examples/vit/README.md and bench/README.md
 * runs, and the values its comments state are the values the code gives (see doc-blocks.ts for
 * the conventions). Each block becomes a module under test/docs/.generated/run (gitignored) that
 * is imported here, so 'hyperschedule' resolves to the sources as in every test.
 * code-blocks-types.test.ts type-checks the same modules.
 */
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { docFiles } from '../../scripts/docs-tables.js';
import { RUN_LANGS, docBlocks, docCheck, docLineOf, extractBlocks, matches, moduleName, toModule, writeModules, type DocBlock } from './doc-blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = fileURLToPath(new URL('./.generated/run/', import.meta.url));

const blocks = docBlocks(ROOT, docFiles());
const runnable = blocks.filter((b) => RUN_LANGS.has(b.lang) && b.noRun === undefined);
writeModules(OUT, runnable);

beforeAll(async () => {
  await tf.setBackend('cpu');
  (globalThis as { __docCheck?: typeof docCheck }).__docCheck = docCheck;
});

let warnings: string[] = [];
beforeEach(() => {
  warnings = [];
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
  vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
    const text = args.map(String).join(' ');
    // tfjs's own once-per-process hint about tfjs-node is not the docs' doing.
    if (!/running TensorFlow\.js in Node\.js/.test(text)) warnings.push(text);
  });
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe('doc code blocks', () => {
  it('the docs exist and hold runnable blocks', () => {
    expect(docFiles()).toEqual(expect.arrayContaining(['README.md', 'docs/schedules.md', 'examples/vit/README.md', 'bench/README.md']));
    expect(runnable.length).toBeGreaterThan(20);
    // no-run is for the odd fragment, not a way around the test.
    expect(blocks.filter((b) => b.noRun !== undefined).length).toBeLessThanOrEqual(3);
  });

  for (const block of runnable) {
    it(`${block.file}:${block.line}`, async () => {
      try {
        await import(pathToFileURL(join(OUT, moduleName(block))).href);
      } catch (error) {
        const line = docLineOf(error, block);
        const message = error instanceof Error ? error.message : String(error);
        // Checked comments already name their line; other errors get the block's line here.
        throw new Error(message.startsWith(`${block.file}:`) ? message : `${block.file}:${line ?? block.line}: ${message}`, { cause: error });
      }
      // A doc example that makes the library warn shows users the wrong way to do it.
      expect(warnings, `${block.file}:${block.line} printed warnings`).toEqual([]);
    });
  }
});

describe('the block runner itself', () => {
  const run = (code: string) => toModule({ file: 'x.md', line: 10, lang: 'ts', code });

  it('finds fenced blocks with their language, line and no-run reason', () => {
    const md = ['# t', '```sh', 'npm test', '```', '<!-- no-run: a fragment -->', '```ts', 'a;', 'b;', '```', '```ts', 'c;', '```'].join('\n');
    expect(extractBlocks('x.md', md)).toEqual([
      { file: 'x.md', line: 2, lang: 'sh', code: 'npm test' },
      { file: 'x.md', line: 6, lang: 'ts', code: 'a;\nb;', noRun: 'a fragment' },
      { file: 'x.md', line: 10, lang: 'ts', code: 'c;' },
    ]);
    expect(() => extractBlocks('x.md', '```ts\nnever closed')).toThrow('x.md:1: code block is never closed');
    expect(() => extractBlocks('x.md', '<!-- no-run: -->\n```ts\n```')).toThrow('needs a reason');
  });

  it('turns value comments into checks that name the doc line, and leaves prose and declarations alone', () => {
    expect(run('lr.at(6); // 1e-3   (held)')).toBe('__docCheck.value((lr.at(6)), "1e-3", "x.md:11");');
    expect(run('  console.log(a, b.c); // 40 5')).toBe('  __docCheck.log([a, b.c], ["40","5"], "x.md:11");');
    expect(run("f({ type: 'cosin' }); // throws: spec.type: got \"cosin\" …")).toBe(
      "__docCheck.throws(() => { f({ type: 'cosin' }); }, \"spec.type: got \\\"cosin\\\" …\", \"x.md:11\");",
    );
    expect(run('g(1);\n// throws: bad').split('\n')).toEqual(['__docCheck.throws(() => { g(1); }, "bad", "x.md:11");', '// throws: bad']);
    for (const untouched of ['const x = f(); // 3', 'f(); // the first update', 'a(); b(); // 2', "fetch('http://x'); // 1", 'x;']) {
      expect(run(untouched)).toBe(untouched);
    }
  });

  it('compares numbers at the precision the comment writes them with', () => {
    expect(matches(0.0009999999999, 1e-3)).toBe(true);
    expect(matches(0.0016, 1e-3)).toBe(false);
    expect(matches(0.009556362014123, 0.009556362014)).toBe(true);
    expect(matches(1e-17, 0)).toBe(true);
    expect(matches([2, 3.0000001], [2, 3])).toBe(true);
    expect(matches({ ok: true, value: 32 }, { ok: true, value: 32 })).toBe(true);
    expect(matches({ ok: true, value: 32, extra: 1 }, { ok: true, value: 32 })).toBe(false);
    expect(() => docCheck.value(0.2, '0.1', 'x.md:3')).toThrow('x.md:3: the comment says 0.1, the code gives 0.2');
    expect(() => docCheck.throws(() => 1, 'boom', 'x.md:4')).toThrow('nothing was thrown');
    const fail = () => {
      throw new Error('cosine.duration: got 0, expected a duration > 0');
    };
    expect(() => docCheck.throws(fail, 'cosine.duration: got 0, expected …', 'x.md:5')).not.toThrow();
    expect(() => docCheck.throws(fail, 'cosine.duration … > 0', 'x.md:5')).not.toThrow();
    expect(() => docCheck.throws(fail, '> 0 … cosine.duration', 'x.md:5')).toThrow('x.md:5: expected an error like');
  });

  it('maps an error in a block back to its doc line', () => {
    const block: DocBlock = { file: 'docs/a.md', line: 20, lang: 'ts', code: '' };
    const error = new Error('x');
    error.stack = `Error: x\n    at /repo/test/docs/.generated/${moduleName(block)}:3:7`;
    expect(docLineOf(error, block)).toBe(23);
  });
});
